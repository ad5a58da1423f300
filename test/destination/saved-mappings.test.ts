import nock from 'nock'
import type { JSONObject } from '@segment/actions-core'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { presets } from '../../src/destinations/tiktok-commanders/presets'
import { purchaseV1, purchaseV2, simpleEvent } from '../fixtures/events'
import { androidEvent, crmEvent, iosEvent, offlineV1, offlineV2 } from '../fixtures/sources'
import { sampleEvents } from '../../src/samples'
import savedMapping from '../fixtures/saved-mapping.json'
import { frameworkEvent, presetMapping, settings, testDestination, TIKTOK } from '../helpers'

// The defaults read the page, the device and each item's product once, as containers, where they used to read every
// value in them on its own (issue 13). Users' saved mappings hold the earlier defaults (fixtures/saved-mapping.json,
// the defaults as they stood before): for both layouts and every source, they must send exactly what the new
// defaults send, and refuse what they refuse, with the same message.

const all = (extra: Partial<Settings>): Settings =>
  settings({
    appId: '7301234567890123456',
    offlineEventSetId: '7302345678901234567',
    crmEventSetId: '7303456789012345678',
    defaultPhoneCountry: 'FR',
    ...extra
  })

const samples: CommandersActEvent[] = sampleEvents()

const events: Array<[string, CommandersActEvent]> = [
  ['purchase, page layout', purchaseV1()],
  ['purchase, current layout', purchaseV2()],
  ['page_view, page layout', simpleEvent('page_view', 'v1')],
  ['page_view, current layout', simpleEvent('page_view', 'v2')],
  ['Android app', androidEvent()],
  ['iOS app', iosEvent()],
  ['offline, page layout', offlineV1()],
  ['offline, current layout', offlineV2()],
  ['CRM, page layout', crmEvent('v1')],
  ['CRM, current layout', crmEvent('v2')],
  ...samples
    .filter((e) => presets.some((p) => p.type === 'automatic' && p.subscribe === `event = "${e.event_name}"`))
    .map((e, i): [string, CommandersActEvent] => [`sample ${i + 1} (${e.event_name})`, e])
]

/** The body TikTok receives for this event and mapping, or the error that kept it from being sent. */
async function outcome(event: CommandersActEvent, mapping: JSONObject, s: Settings) {
  let body: unknown
  const scope = nock(TIKTOK)
    .post(/.*/, (b) => {
      body = b
      return true
    })
    .reply(200, { code: 0, message: 'OK', request_id: 'r', data: {} })
  try {
    await testDestination().testAction('reportWebEvent', { event: frameworkEvent(event), mapping, settings: s })
    return { body }
  } catch (err) {
    return { error: (err as Error).message }
  } finally {
    expect(scope.isDone() === (body !== undefined)).toBe(true)
    nock.cleanAll()
  }
}

describe.each(['pixel', 'events_2_0'] as const)('a saved mapping of the earlier defaults, %s format', (apiFormat) => {
  it.each(events)('%s: the same body as the preset, or the same refusal', async (_, event) => {
    const preset = presetMapping(event.event_name ?? '')
    const saved = { ...(savedMapping as unknown as JSONObject), event: preset.event }
    const s = all({ apiFormat })
    const now = await outcome(event, preset, s)
    const before = await outcome(event, saved, s)
    expect(before).toEqual(now)
    expect(now.body ?? now.error).toBeDefined()
  })
})
