import nock from 'nock'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { previewEvent } from '../../src/destinations/tiktok-commanders/preview'
import { MATCH_KEYS, matchKeys } from '../../src/destinations/tiktok-commanders/tiktok/match-keys'
import { toFrameworkEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import { purchaseV1, purchaseV2, TS_MS } from '../fixtures/events'
import { androidEvent, crmEvent, offlineV1, offlineV2, SHOE_CONTENT } from '../fixtures/sources'
import {
  frameworkEvent,
  PIXEL,
  presetMapping,
  refusedBeforeSending,
  sentBody,
  settings,
  sha,
  testDestination,
  TIKTOK
} from '../helpers'

// Offline and CRM conversions, custom events and properties, and every identifier TikTok matches on (issue 10).

const OFFLINE = '7302345678901234567'
const CRM = '7303456789012345678'
const APP = '7301234567890123456'
const all = (extra: Partial<Settings> = {}) =>
  settings({ appId: APP, offlineEventSetId: OFFLINE, crmEventSetId: CRM, testEventCode: 'T1', ...extra })

const contents = [SHOE_CONTENT]

afterEach(() => nock.cleanAll())

describe('offline events', () => {
  it.each([
    ['the current layout', offlineV2],
    ['the page layout', offlineV1]
  ])('%s: the exact body, with names, zip and place normalised, and no web-only key', async (_, event) => {
    const body = await sentBody(event(), all({ defaultPhoneCountry: 'FR' }))
    expect(body).toEqual({
      event_source: 'offline',
      event_source_id: OFFLINE,
      data: [
        {
          event: 'CompletePayment',
          event_time: TS_MS / 1000,
          event_id: event === offlineV2 ? 'store-1' : 'POS-778812',
          user: {
            email: sha('client@example.fr'),
            phone: sha('+33612345678'), // national form, read in the Default Phone Country
            first_name: sha('claire'),
            last_name: sha('martin'),
            zip_code: sha('sw1a1aa'),
            city: 'paris',
            state: 'idf',
            country: 'fr',
            ip: '203.0.113.7'
          },
          properties: {
            contents,
            content_ids: ['SKU-1'],
            content_type: 'product',
            currency: 'EUR',
            value: 49.9,
            num_items: 1,
            description: 'purchase',
            order_id: 'POS-778812',
            shop_id: 'PARIS-12'
          }
        }
      ]
    })
  })

  it('without a Default Phone Country, a national number is left out and the event still goes', async () => {
    const body = await sentBody(offlineV2(), all())
    const user = body.data[0].user as Record<string, unknown>
    expect(user.phone).toBeUndefined()
    expect(user.email).toBe(sha('client@example.fr'))
  })

  it('refuses every event while the Default Phone Country is not a country code, naming the setting', async () => {
    await refusedBeforeSending(
      offlineV2(),
      all({ defaultPhoneCountry: 'France' }),
      /Default Phone Country: "FRANCE" is not/
    )
  })

  it('refuses an offline event when the Offline Event Set ID is not configured: never the pixel code', async () => {
    await refusedBeforeSending(offlineV2(), settings(), /the Offline Event Set ID setting is empty/)
  })

  it('refuses a custom or app-only name: offline takes standard names only', async () => {
    await refusedBeforeSending(
      offlineV2(),
      all(),
      /"StoreVisit" is not a TikTok standard offline event.*standard names only/,
      {
        event: 'StoreVisit'
      }
    )
    await refusedBeforeSending(offlineV2(), all(), /"LaunchAPP" is a TikTok app event, and this is an offline event/, {
      event: 'LaunchAPP'
    })
  })

  it('sends a web Lead under the offline name SubmitForm', async () => {
    const body = await sentBody(offlineV2(), all(), { event: 'Lead' })
    expect(body.data[0].event).toBe('SubmitForm')
  })
})

describe('CRM events', () => {
  it.each(['v1', 'v2'] as const)(
    '%s layout: lead, several ids and emails each hashed, no test code',
    async (layout) => {
      const body = await sentBody(crmEvent(layout), all())
      expect(body).toEqual({
        event_source: 'crm',
        event_source_id: CRM,
        data: [
          {
            event: 'Lead',
            event_time: TS_MS / 1000,
            event_id: 'crm-1',
            user: {
              external_id: [sha('lead-1'), sha('contact-9')],
              email: [sha('prospect@example.com'), sha('prospect@work.example')]
            },
            lead: { lead_id: '00Q5e00000AbCdEfGH', lead_event_source: 'Salesforce' },
            properties: {
              content_type: 'product',
              description: 'generate_lead',
              ...(layout === 'v1' ? { order_id: 'crm-1' } : {})
            }
          }
        ]
      })
    }
  )

  it('refuses a CRM event without a lead id, and one when the CRM Event Set ID is not configured', async () => {
    const event = crmEvent()
    event.partners = { tiktok: { event_source: 'crm' } }
    await refusedBeforeSending(event, all(), /lead_id: a CRM event needs the id of its lead/)
    await refusedBeforeSending(crmEvent(), settings(), /the CRM Event Set ID setting is empty/)
  })

  it('takes a custom event name', async () => {
    const body = await sentBody(crmEvent(), all(), { event: 'LeadQualified' })
    expect(body.data[0].event).toBe('LeadQualified')
  })
})

describe('custom events', () => {
  it('Events API 2.0 sends a well-formed custom name from the web and from an app', async () => {
    const web = await sentBody(purchaseV2(), all({ apiFormat: 'events_2_0' }), { event: 'Newsletter_Opt-in' })
    expect(web).toMatchObject({ event_source: 'web', test_event_code: 'T1', data: [{ event: 'Newsletter_Opt-in' }] })
    const app = await sentBody(androidEvent(), all(), { event: 'WishlistShared' })
    expect(app).toMatchObject({ event_source: 'app', data: [{ event: 'WishlistShared' }] })
  })

  it('the pixel format still refuses them, as the product page says', async () => {
    await refusedBeforeSending(purchaseV1(), all(), /"Newsletter" is not a TikTok standard web event/, {
      event: 'Newsletter'
    })
  })

  it.each([
    ['longer than 50 characters', 'A'.repeat(51)],
    ['starting with a digit', '1stPurchase'],
    ['with a space', 'Opt in'],
    ['with a dot', 'opt.in'],
    ['a reserved name', 'Browse'],
    ['a reserved name', 'StartCheckout']
  ])('refuses a name %s, quoting the rule', async (_, name) => {
    await refusedBeforeSending(
      purchaseV2(),
      all({ apiFormat: 'events_2_0' }),
      /at most 50 characters, letters, digits, _ and -/,
      {
        event: name
      }
    )
  })
})

describe('custom properties', () => {
  it('are added to properties in Events API 2.0, never over a standard key', async () => {
    const event = purchaseV2()
    event.custom = JSON.parse('{"color":"red","value":999,"empty":"","__proto__":{"polluted":true}}')
    const body = await sentBody(event, all({ apiFormat: 'events_2_0' }), { custom_properties: { '@path': '$.custom' } })
    const properties = body.data[0].properties as Record<string, unknown>
    expect(properties.color).toBe('red')
    expect(properties.value).toBe(59.9)
    expect(properties.empty).toBeUndefined()
    // A `__proto__` key is left out before mapping: the framework would make it a prototype (see identifiers).
    expect(JSON.stringify(properties)).not.toContain('polluted')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('have no place in the pixel format', async () => {
    const body = await sentBody(
      purchaseV1(),
      all(),
      { custom_properties: { color: 'red' } },
      '/open_api/v1.3/pixel/track/'
    )
    expect((body as unknown as { properties: Record<string, unknown> }).properties.color).toBeUndefined()
  })
})

describe('identifiers', () => {
  it('web events in Events API 2.0 carry names, zip and place too, from either layout', async () => {
    const event = purchaseV1()
    Object.assign((event.properties as { user: object }).user, {
      firstname: 'Émile',
      zipcode: ' 75 001 ',
      city: 'Lyon'
    })
    const body = await sentBody(event, all({ apiFormat: 'events_2_0' }))
    expect(body.data[0].user).toMatchObject({ first_name: sha('émile'), zip_code: sha('75001'), city: 'lyon' })
  })

  it('a value that already is SHA-256 passes through, lower-cased', async () => {
    const event = offlineV2()
    const hashed = sha('claire').toUpperCase()
    ;(event.user as Record<string, unknown>).firstname = hashed
    const body = await sentBody(event, all())
    expect((body.data[0].user as Record<string, unknown>).first_name).toBe(hashed.toLowerCase())
  })

  it('several phones: each made E.164 and hashed in 2.0, the first alone in the pixel format', async () => {
    const event = purchaseV2()
    ;(event.user as Record<string, unknown>).phone = ['+33 6 12 34 56 78', '0033 7 00 00 00 01', 'not a phone']
    const body = await sentBody(event, all({ apiFormat: 'events_2_0' }))
    expect((body.data[0].user as Record<string, unknown>).phone).toEqual([sha('+33612345678'), sha('+33700000001')])
    const pixel = await sentBody(event, all(), {}, '/open_api/v1.3/pixel/track/')
    expect(pixel).toMatchObject({ context: { user: { phone_number: sha('+33612345678') } } })
  })

  it('an own __proto__ key of the user is data: it never stands in for the user’s email', async () => {
    const event = JSON.parse(
      JSON.stringify(purchaseV2()).replace('"user":{', '"user":{"__proto__":{"email":"intruder@example.com"},')
    ) as CommandersActEvent
    delete (event.user as Record<string, unknown>).email
    const body = await sentBody(event, all({ apiFormat: 'events_2_0' }))
    expect(JSON.stringify(body)).not.toContain(sha('intruder@example.com'))
    expect((body.data[0].user as Record<string, unknown>).email).toBeUndefined()
  })
})

describe('a batch of web, app, offline and CRM events', () => {
  it('goes out as one request per source, each event with its own result', async () => {
    const bodies: Array<{ event_source?: string; pixel_code?: string }> = []
    const scope = nock(TIKTOK)
      .post(/.*/, (b) => bodies.push(b) > 0)
      .times(4)
      .reply(200, { code: 0, message: 'OK', request_id: 'ok' })
    const events = [purchaseV1(), offlineV2(), androidEvent(), crmEvent(), purchaseV2(), offlineV1()]
    const destination = testDestination()
    await destination.testBatchAction('reportWebEvent', {
      events: events.map((e) => frameworkEvent(e) as never),
      mapping: presetMapping('purchase'),
      settings: all({ defaultPhoneCountry: 'FR' })
    })
    expect(scope.isDone()).toBe(true)
    expect(bodies.map((b) => b.event_source ?? `pixel ${b.pixel_code}`)).toEqual([
      `pixel ${PIXEL}`,
      'offline',
      'app',
      'crm'
    ])
    const results = destination.results[0].multistatus ?? []
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(results[5]).toMatchObject({ sent: { event_id: 'POS-778812' } })
  })
})

describe('Limited Data Use', () => {
  it('goes with web and app events in Events API 2.0, not with offline or CRM ones', async () => {
    const ldu = (e: CommandersActEvent) => ({ ...e, partners: { tiktok: { ...e.partners?.tiktok, ldu: true } } })
    const web = await sentBody(ldu(purchaseV2()), all({ apiFormat: 'events_2_0' }))
    expect(web.data[0].limited_data_use).toBe(true)
    const app = await sentBody(ldu(androidEvent()), all())
    expect(app.data[0].limited_data_use).toBe(true)
    const offline = await sentBody(ldu(offlineV2()), all())
    expect(offline.data[0].limited_data_use).toBeUndefined()
  })
})

describe('locale', () => {
  it("a web event in Events API 2.0 takes the web tag's language", async () => {
    const event = purchaseV2()
    ;(event.context as { device: Record<string, unknown> }).device.lang = 'fr_be'
    const body = await sentBody(event, all({ apiFormat: 'events_2_0' }))
    expect((body.data[0].user as Record<string, unknown>).locale).toBe('fr-BE')
  })
})

describe('match keys', () => {
  const keysOf = (event: CommandersActEvent, s: Settings = all({ defaultPhoneCountry: 'FR' })) =>
    previewEvent(presetMapping(event.event_name ?? ''), toFrameworkEvent(event), s).matchKeys

  it('says which keys a built event carries, per source', () => {
    expect(keysOf(purchaseV1())).toEqual(['email', 'phone', 'external_id', 'ttp', 'ttclid', 'ip_user_agent'])
    expect(keysOf(androidEvent())).toEqual(['email', 'phone', 'external_id', 'ip_user_agent', 'device_id'])
    expect(keysOf(offlineV2())).toEqual(['email', 'phone'])
    expect(keysOf(offlineV2(), all())).toEqual(['email'])
    expect(keysOf(crmEvent())).toEqual(['email', 'external_id', 'lead_id'])
  })

  it('counts ip and user agent only as a pair, and nothing for an anonymous event', () => {
    const event = purchaseV2()
    delete event.user
    delete event.partners
    const context = event.context as { device: Record<string, unknown> }
    context.device = { ip: '203.0.113.7' }
    const preview = previewEvent(presetMapping('purchase'), toFrameworkEvent(event), all())
    expect(matchKeys(preview.event)).toEqual(['ttclid']) // still in the landing URL
    expect(MATCH_KEYS).toContain('lead_id')
  })
})
