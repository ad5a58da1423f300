import { generateFql, parseFql, validate } from '@segment/destination-subscriptions'
import nock from 'nock'
import definition from '../../src/destinations/tiktok-commanders'
import { toFrameworkEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import { CURRENT_EVENT_TABLE, EVENT_TABLE, presets } from '../../src/destinations/tiktok-commanders/presets'
import { fields } from '../../src/destinations/tiktok-commanders/reportWebEvent/fields'
import { simpleEvent } from '../fixtures/events'
import { interceptTikTok, sendThroughPreset, settings, testDestination, trackPath } from '../helpers'

// The product page's event table, row by row.
const PAGE_TABLE: Array<[string, string]> = [
  ['add_payment_info', 'AddPaymentInfo'],
  ['add_to_cart', 'AddToCart'],
  ['add_to_wishlist', 'AddToWishlist'],
  ['begin_checkout', 'InitiateCheckout'],
  ['click_button', 'ClickButton'],
  ['complete_payment', 'CompletePayment'],
  ['purchase', 'CompletePayment'],
  ['contact', 'Contact'],
  ['download', 'Download'],
  ['page_view', 'ViewContent'],
  ['search', 'Search'],
  ['sign_up', 'CompleteRegistration'],
  ['submit_form', 'SubmitForm'],
  ['subscribe', 'Subscribe']
]

afterEach(() => nock.cleanAll())

describe('presets', () => {
  it('are the rows of the product page, then those of the current event table, one automatic preset each', () => {
    expect(EVENT_TABLE).toEqual(PAGE_TABLE)
    expect(definition.presets).toHaveLength(PAGE_TABLE.length + CURRENT_EVENT_TABLE.length)
    expect(definition.presets?.slice(0, PAGE_TABLE.length).map((p) => p.name)).toEqual(
      PAGE_TABLE.map(([ca, tiktok]) => `${ca} -> ${tiktok}`)
    )
    for (const preset of presets) {
      expect(preset).toMatchObject({ type: 'automatic', partnerAction: 'reportWebEvent' })
    }
    // Each Commanders Act event name has exactly one preset.
    const names = presets.map((p) => (p.type === 'automatic' ? p.subscribe : p.name))
    expect(new Set(names).size).toBe(names.length)
  })

  it('map the field defaults plus the TikTok event', () => {
    for (const [name, tiktok] of PAGE_TABLE) {
      const preset = presets.find((p) => p.type === 'automatic' && p.subscribe === `event = "${name}"`)
      const defaults = Object.fromEntries(
        Object.entries(fields)
          .filter(([, f]) => f.default !== undefined)
          .map(([k, f]) => [k, f.default])
      )
      expect(preset?.mapping).toEqual({ ...defaults, event: tiktok })
    }
  })

  it.each(PAGE_TABLE)('%s: its subscription survives parse/generate and matches only its own event', (name) => {
    const preset = presets.find((p) => p.type === 'automatic' && p.subscribe === `event = "${name}"`)
    if (!preset || preset.type !== 'automatic') throw new Error(`no preset for ${name}`)
    const ast = parseFql(preset.subscribe)
    expect('error' in ast).toBe(false)
    expect(generateFql(ast)).toBe(preset.subscribe)
    for (const [other] of PAGE_TABLE) {
      const matches = validate(ast, toFrameworkEvent(simpleEvent(other, 'v1')))
      expect(matches).toBe(other === name)
    }
    // Raw Commanders Act events (no `event` key) must not match anything: the presenter is required.
    expect(validate(ast, simpleEvent(name, 'v1'))).toBe(false)
  })

  it.each(PAGE_TABLE.flatMap(([n, t]) => [[n, t, 'v1'] as const, [n, t, 'v2'] as const]))(
    '%s (%s layout %s) is delivered as %s',
    async (name, tiktok, layout) => {
      const { captured } = interceptTikTok(trackPath('pixel'))
      await sendThroughPreset(simpleEvent(name, layout), settings())
      expect(captured.body).toMatchObject({ event: tiktok, event_id: `evt-${name}-${layout}` })
    }
  )
})

describe('the event field', () => {
  it("offers TikTok's standard web events as choices in the UI", async () => {
    const destination = testDestination()
    const response = await destination.testDynamicField('reportWebEvent', 'event', {
      settings: settings(),
      payload: {}
    })
    const choices = (response as { choices: Array<{ value: string }> }).choices.map((c) => c.value)
    expect(choices).toEqual(expect.arrayContaining(['CompletePayment', 'ViewContent', 'AddToCart', 'Purchase', 'Lead']))
    expect(choices).not.toContain('MyCustomEvent')
  })
})
