import { createHash } from 'crypto'
import nock from 'nock'
import {
  createTestIntegration,
  PayloadValidationError,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import definition from '../src/destinations/tiktok-commanders'
import { toFrameworkEvent, type CommandersActEvent } from '../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../src/destinations/tiktok-commanders/generated-types'
import { presets } from '../src/destinations/tiktok-commanders/presets'
import { validateEvents2 } from '../src/emulator/validate'

// nock patches Node's http module for the whole jest worker, while each test file gets its own copy of nock: a copy
// left active by one file (with its interceptors and net-connect rules) would answer for the next file in that
// worker. Every file that intercepts TikTok imports this module, so it leaves a clean slate here.
afterEach(() => nock.cleanAll())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})

export const TIKTOK = 'https://business-api.tiktok.com'
export const TOKEN = 'tt-secret-token-7f3a9c'
export const PIXEL = 'CPIXEL0123456789'

export const settings = (extra: Partial<Settings> = {}): Settings => ({
  accessToken: TOKEN,
  pixelCode: PIXEL,
  ...extra
})

export const sha = (s: string) => createHash('sha256').update(s).digest('hex')

/** The preset mapping the CDP would use for this Commanders Act event name. */
export function presetMapping(eventName: string) {
  const preset = presets.find((p) => p.type === 'automatic' && p.subscribe === `event = "${eventName}"`)
  if (!preset?.mapping) throw new Error(`no preset for ${eventName}`)
  return preset.mapping
}

/**
 * The event as the test harness should see it. createTestEvent fills Segment defaults (a Segment `context` with a
 * page URL and an IP) under events that lack them; a Commanders Act event of the page's layout has no `context`.
 */
export function frameworkEvent(event: CommandersActEvent): Partial<SegmentEvent> {
  return { context: {}, ...toFrameworkEvent(event) }
}

export interface Captured {
  body?: Record<string, unknown>
  headers: Record<string, string | string[]>
}

/** Intercepts one POST to TikTok's `path` and records the exact body and headers it received. */
export function interceptTikTok(path: string, reply: unknown = okReply(), status = 200, headers = jsonHeaders) {
  const captured: Captured = { headers: {} }
  const scope = nock(TIKTOK)
    .post(path, (body) => {
      captured.body = body
      return true
    })
    .reply(function () {
      captured.headers = this.req.headers
      return [status, typeof reply === 'string' ? reply : JSON.stringify(reply), headers]
    })
  return { scope, captured }
}

export const jsonHeaders = { 'content-type': 'application/json' }
export const okReply = (request_id = 'req-ok') => ({ code: 0, message: 'OK', request_id, data: {} })

export function testDestination() {
  return createTestIntegration(definition)
}

/** Sends one Commanders Act event through the harness with its preset mapping. */
export async function sendThroughPreset(event: CommandersActEvent, s: Settings, mapping: JSONObject = {}) {
  const destination = testDestination()
  return destination.testAction('reportWebEvent', {
    event: frameworkEvent(event),
    mapping: { ...presetMapping(event.event_name ?? ''), ...mapping },
    settings: s
  })
}

// What a body should be, stated once per rule and written out for each wire format, so the same table drives both.
export interface ExpectedEvent {
  event: string
  event_id?: string
  time?: string
  user?: { external_id?: string; email?: string; phone?: string; ttp?: string }
  ttclid?: string
  ip?: string
  user_agent?: string
  page?: { url?: string; referrer?: string }
  properties?: Record<string, unknown>
  limited_data_use?: boolean
  /** Events API 2.0 only (the pixel format keeps the product page's fields): the transaction id. */
  order_id?: string
  /** Events API 2.0 only: each content's brand, by position. */
  brands?: Array<string | undefined>
}

export type Format = 'pixel' | 'events_2_0'

export const trackPath = (format: Format) =>
  format === 'pixel' ? '/open_api/v1.3/pixel/track/' : '/open_api/v1.3/event/track/'
export const batchPath = (format: Format) =>
  format === 'pixel' ? '/open_api/v1.3/pixel/batch/' : '/open_api/v1.3/event/track/'

export function expectedItem(format: Format, e: ExpectedEvent): Record<string, unknown> {
  if (format === 'pixel') {
    return clean({
      event: e.event,
      event_id: e.event_id,
      timestamp: e.time,
      context: {
        ad: { callback: e.ttclid },
        page: e.page,
        ip: e.ip,
        user_agent: e.user_agent,
        user: { external_id: e.user?.external_id, email: e.user?.email, phone_number: e.user?.phone, ttp: e.user?.ttp }
      },
      properties: e.properties
    })
  }
  return clean({
    event: e.event,
    event_time: e.time === undefined ? undefined : Date.parse(e.time) / 1000,
    event_id: e.event_id,
    user: { ...e.user, ttclid: e.ttclid, ip: e.ip, user_agent: e.user_agent },
    page: e.page,
    properties: events2Properties(e),
    limited_data_use: e.limited_data_use
  })
}

/**
 * Events API 2.0 properties: the product page's, plus what 2.0 adds, stated from them so that a test says each rule
 * once: content_ids (the item ids), num_items (how many items), search_string (the query), order_id, brands.
 */
function events2Properties(e: ExpectedEvent): Record<string, unknown> | undefined {
  if (!e.properties && !e.order_id) return undefined
  const properties = { ...e.properties }
  const contents = properties.contents as Array<Record<string, unknown>> | undefined
  if (contents?.length) {
    properties.contents = contents.map((c, i) => ({ ...c, brand: e.brands?.[i] }))
    const ids = contents.map((c) => c.content_id).filter((id) => id !== undefined)
    properties.content_ids = ids.length ? ids : undefined
    properties.num_items = contents.length
  }
  properties.search_string = properties.query
  properties.order_id = e.order_id
  return properties
}

export function expectedSingleBody(format: Format, e: ExpectedEvent, testEventCode?: string) {
  if (format === 'pixel')
    return clean({ pixel_code: PIXEL, ...expectedItem(format, e), test_event_code: testEventCode })
  return clean({
    event_source: 'web',
    event_source_id: PIXEL,
    test_event_code: testEventCode,
    data: [expectedItem(format, e)]
  })
}

export function expectedBatchBody(format: Format, events: ExpectedEvent[], testEventCode?: string) {
  if (format === 'pixel') {
    return clean({
      pixel_code: PIXEL,
      test_event_code: testEventCode,
      batch: events.map((e) => ({ type: 'track', ...expectedItem(format, e) }))
    })
  }
  return clean({
    event_source: 'web',
    event_source_id: PIXEL,
    test_event_code: testEventCode,
    data: events.map((e) => expectedItem(format, e))
  })
}

/** Drops undefined values and the objects they leave empty (test-side; the code under test has its own). */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v)
      if (c !== undefined && !(c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0))
        out[k] = c
    }
    return (Object.keys(out).length ? out : undefined) as T
  }
  return value
}

export const EVENT_TRACK = '/open_api/v1.3/event/track/'

export interface Events2Body {
  event_source: string
  event_source_id: string
  test_event_code?: string
  data: Array<Record<string, unknown>>
}

/**
 * Sends one event with its preset (plus `mapping`) and returns the body TikTok received, after checking that only the
 * Access-Token header carries the token and, for Events API 2.0, that the emulator (as strict as TikTok) accepts it.
 */
export async function sentBody(event: CommandersActEvent, s: Settings, mapping: JSONObject = {}, path = EVENT_TRACK) {
  const { scope, captured } = interceptTikTok(path)
  await sendThroughPreset(event, s, mapping)
  expect(scope.isDone()).toBe(true)
  expect(captured.headers['access-token']).toBe(s.accessToken)
  expect(JSON.stringify(captured.body)).not.toContain(s.accessToken)
  if (path === EVENT_TRACK) expect(validateEvents2(captured.body, Date.now())).toBeUndefined()
  return captured.body as unknown as Events2Body
}

/** The event is refused with a PayloadValidationError whose message matches, and nothing reaches TikTok. */
export async function refusedBeforeSending(
  event: CommandersActEvent,
  s: Settings,
  message: RegExp,
  mapping: JSONObject = {}
) {
  const scope = nock(TIKTOK).post(/.*/).reply(200, {})
  await expect(sendThroughPreset(event, s, mapping)).rejects.toThrow(PayloadValidationError)
  await expect(sendThroughPreset(event, s, mapping)).rejects.toThrow(message)
  expect(scope.isDone()).toBe(false)
  nock.cleanAll()
}
