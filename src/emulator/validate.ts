import {
  CONTENT_TYPES,
  CURRENCIES,
  MAX_EVENTS_PER_REQUEST,
  SHA256_HEX,
  STANDARD_WEB_EVENTS,
  TIKTOK_CODES
} from '../destinations/tiktok-commanders/tiktok/constants'
import { ATT_STATUSES } from '../destinations/tiktok-commanders/tiktok/event-model'
import {
  EVENT_SOURCES,
  STANDARD_EVENTS,
  TAKES_CUSTOM_EVENTS,
  isCustomEventName,
  type EventSource
} from '../destinations/tiktok-commanders/tiktok/event-names'

// Request-body validation as strict as TikTok's: the emulator is only useful if whatever it accepts TikTok would
// accept too. Each validator reports the FIRST problem only, as `<field path>: <reason>`, the way TikTok's 40002
// messages name the failing field (`Batch.0.properties.contents.0.content_id: Not a valid string`).

export interface TikTokReply {
  code: number
  message: string
}

/** How far ahead of the receiver's clock an event may be stamped before it is refused. */
export const MAX_FUTURE_MS = 5 * 60 * 1000

/** Returns the full error message (`path: reason`) or undefined when the value is acceptable. */
type Check = (value: unknown, path: string, now: number) => string | undefined

type JsonObject = Record<string, unknown>

const standardEvents: ReadonlySet<string> = new Set(STANDARD_WEB_EVENTS)

const currencies: ReadonlySet<string> = new Set(CURRENCIES)
const contentTypes: ReadonlySet<string> = new Set(CONTENT_TYPES)

// A date-time with an explicit offset: without one, the instant depends on the receiver's time zone, which is
// exactly the kind of silent error the emulator should surface.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`
}

function at(path: string, reason: string): string {
  return path === '' ? reason : `${path}: ${reason}`
}

const string: Check = (value, path) => (typeof value === 'string' ? undefined : at(path, 'Not a valid string'))

const number: Check = (value, path) =>
  // JSON.parse turns 1e999 into Infinity, so finiteness is a real check, not a formality.
  typeof value === 'number' && Number.isFinite(value) ? undefined : at(path, 'Not a valid number')

const positiveInteger: Check = (value, path, now) =>
  number(value, path, now) ??
  (Number.isInteger(value) && (value as number) > 0 ? undefined : at(path, 'Must be a positive integer'))

const boolean: Check = (value, path) => (typeof value === 'boolean' ? undefined : at(path, 'Not a valid boolean'))

function oneOf(allowed: ReadonlySet<string>, reason: string): Check {
  return (value, path, now) => string(value, path, now) ?? (allowed.has(value as string) ? undefined : at(path, reason))
}

const eventName = oneOf(standardEvents, 'Not a standard web event')
const currency = oneOf(currencies, 'Invalid currency')
const contentType = oneOf(contentTypes, `Must be one of: ${CONTENT_TYPES.join(', ')}`)

const sha256: Check = (value, path, now) =>
  string(value, path, now) ?? (SHA256_HEX.test(value as string) ? undefined : at(path, 'Not a valid SHA-256 hash'))

// Events API 2.0 takes several hashed identifiers for one person as a list.
const sha256List = array(sha256)
const sha256OrList: Check = (value, path, now) =>
  Array.isArray(value) ? sha256List(value, path, now) : sha256(value, path, now)

const isoTimestamp: Check = (value, path, now) => {
  const notString = string(value, path, now)
  if (notString) return notString
  const time = ISO_DATE_TIME.test(value as string) ? Date.parse(value as string) : NaN
  if (Number.isNaN(time) || !isRealDate(value as string)) return at(path, 'Not a valid ISO 8601 date-time')
  return time > now + MAX_FUTURE_MS ? at(path, 'Must not be more than 5 minutes in the future') : undefined
}

// Date.parse rolls 2025-02-30 over to March 2 instead of refusing it.
function isRealDate(isoText: string): boolean {
  const [year, month, day] = isoText.slice(0, 10).split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
}

const unixSeconds: Check = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return at(path, 'Not a valid integer (unix seconds)')
  }
  return undefined
}

// Separate from unixSeconds so a millisecond value (a common mistake) reads as "in the future", which it is.
const eventTime: Check = (value, path, now) =>
  unixSeconds(value, path, now) ??
  ((value as number) * 1000 > now + MAX_FUTURE_MS
    ? at(path, 'Must not be more than 5 minutes in the future')
    : undefined)

interface ArrayOptions {
  min?: number
  max?: number
  /** Replaces the field path in item paths: TikTok names batch items `Batch.N`, not `batch.N`. */
  itemLabel?: string
}

function array(item: Check, options: ArrayOptions = {}): Check {
  const { min = 0, max = Infinity, itemLabel } = options
  return (value, path, now) => {
    if (!Array.isArray(value)) return at(path, 'Not a valid list')
    if (value.length < min || value.length > max) {
      return at(path, `Length must be between ${min} and ${max}`)
    }
    const base = itemLabel ?? path
    for (let i = 0; i < value.length; i++) {
      const itemPath = join(base, i)
      if (value[i] === null) return at(itemPath, 'Field may not be null')
      const problem = item(value[i], itemPath, now)
      if (problem) return problem
    }
    return undefined
  }
}

/** `open`: unknown keys are accepted (Events API 2.0 takes custom properties); otherwise they are refused. */
function object(fields: Record<string, Check>, required: readonly string[] = [], open = false): Check {
  const names = Object.keys(fields)
  return (value, path, now) => {
    if (!isJsonObject(value)) return at(path, 'Not a valid object')
    // Unknown keys first: TikTok drops events carrying properties it does not know, so they are the most
    // important thing to report. Object.hasOwn keeps `__proto__`, `constructor`, ... unknown as they should be.
    for (const key of open ? [] : Object.keys(value)) {
      if (!Object.hasOwn(fields, key)) return at(join(path, key), 'Unknown field')
    }
    for (const name of names) {
      const fieldPath = join(path, name)
      if (!Object.hasOwn(value, name)) {
        if (required.includes(name)) return at(fieldPath, 'Missing data for required field')
        continue
      }
      const fieldValue = value[name]
      if (fieldValue === null) return at(fieldPath, 'Field may not be null')
      const problem = fields[name](fieldValue, fieldPath, now)
      if (problem) return problem
    }
    return undefined
  }
}

function literal(expected: string): Check {
  return oneOf(new Set([expected]), `Must be "${expected}"`)
}

const content = object({
  content_type: contentType,
  content_id: string,
  content_name: string,
  content_category: string,
  price: number,
  quantity: positiveInteger
})

const properties = object({
  contents: array(content),
  content_type: contentType,
  currency,
  value: number,
  description: string,
  query: string,
  order_id: string
})

const page = object({ url: string, referrer: string })

const pixelContext = object({
  ad: object({ callback: string }),
  page,
  ip: string,
  user_agent: string,
  user: object({ external_id: sha256, email: sha256, phone_number: sha256, ttp: string })
})

const pixelTrack = object(
  {
    pixel_code: string,
    event: eventName,
    event_id: string,
    timestamp: isoTimestamp,
    test_event_code: string,
    partner_name: string,
    context: pixelContext,
    properties
  },
  ['pixel_code', 'event']
)

const batchItem = object(
  {
    type: literal('track'),
    event: eventName,
    event_id: string,
    timestamp: isoTimestamp,
    context: pixelContext,
    properties
  },
  ['type', 'event']
)

const pixelBatch = object(
  {
    pixel_code: string,
    partner_name: string,
    test_event_code: string,
    batch: array(batchItem, { min: 1, max: MAX_EVENTS_PER_REQUEST, itemLabel: 'Batch' })
  },
  ['pixel_code', 'batch']
)

// Events API 2.0, per source: which event names it takes, and which parts. A key of another source's part (a page in
// an app event, device ids in a web event) is an unknown field, as TikTok treats it.

function events2EventName(source: EventSource): Check {
  return (value, path, now) => {
    const notString = string(value, path, now)
    if (notString) return notString
    const name = value as string
    if (STANDARD_EVENTS[source].has(name)) return undefined
    if (TAKES_CUSTOM_EVENTS[source] && isCustomEventName(name)) return undefined
    return at(
      path,
      `Not a standard ${source} event${TAKES_CUSTOM_EVENTS[source] ? ' or a valid custom event name' : ''}`
    )
  }
}

const upperUuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const lowerUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const zeroId = /^[0-]+$/

/** IDFA: upper-case raw, or SHA-256 (lower-case hex); GAID: lower-case raw, or SHA-256; never an all-zero id. */
function advertisingId(raw: RegExp, rawForm: string): Check {
  return (value, path, now) => {
    const notString = string(value, path, now)
    if (notString) return notString
    const id = value as string
    if (zeroId.test(id)) return at(path, 'An all-zero advertising id identifies nobody')
    return SHA256_HEX.test(id) || raw.test(id) ? undefined : at(path, `Must be ${rawForm} or its SHA-256 hash`)
  }
}

const attStatus = oneOf(new Set(ATT_STATUSES), `Must be one of: ${ATT_STATUSES.join(', ')}`)

const userFields: Record<string, Check> = {
  external_id: sha256OrList,
  email: sha256OrList,
  phone: sha256OrList,
  first_name: sha256,
  last_name: sha256,
  zip_code: sha256,
  city: string,
  state: string,
  country: string,
  ip: string,
  user_agent: string
}

const sourceParts: Record<
  EventSource,
  { user: Record<string, Check>; parts: Record<string, Check>; required: string[] }
> = {
  web: {
    user: { ttp: string, ttclid: string, locale: string },
    parts: { page, limited_data_use: boolean },
    required: []
  },
  app: {
    user: {
      locale: string,
      idfa: advertisingId(upperUuid, 'an upper-case IDFA'),
      idfv: string,
      gaid: advertisingId(lowerUuid, 'a lower-case GAID'),
      att_status: attStatus
    },
    parts: {
      app: object({ app_id: string, app_name: string, app_version: string }, ['app_id']),
      ad: object({ callback: string }),
      limited_data_use: boolean
    },
    required: ['app']
  },
  offline: { user: {}, parts: {}, required: [] },
  crm: {
    user: {},
    parts: { lead: object({ lead_id: string, lead_event_source: string }, ['lead_id']) },
    required: ['lead']
  }
}

const events2Content = object({
  content_type: contentType,
  content_id: string,
  content_name: string,
  content_category: string,
  brand: string,
  price: number,
  quantity: positiveInteger
})

const events2Properties = object(
  {
    contents: array(events2Content),
    content_ids: array(string),
    content_type: contentType,
    currency,
    value: number,
    num_items: positiveInteger,
    description: string,
    query: string,
    search_string: string,
    order_id: string,
    shop_id: string
  },
  [],
  true
)

const events2Items = Object.fromEntries(
  EVENT_SOURCES.map((source) => {
    const { user, parts, required } = sourceParts[source]
    const item = object(
      {
        event: events2EventName(source),
        event_time: eventTime,
        event_id: string,
        user: object({ ...userFields, ...user }),
        ...parts,
        properties: events2Properties
      },
      ['event', 'event_time', ...required]
    )
    return [source, array(item, { min: 1, max: MAX_EVENTS_PER_REQUEST })]
  })
) as Record<EventSource, Check>

const eventSource = oneOf(new Set(EVENT_SOURCES), `Must be one of: ${EVENT_SOURCES.join(', ')}`)

const events2Envelope = object(
  {
    event_source: eventSource,
    event_source_id: string,
    test_event_code: string,
    partner_name: string,
    data: () => undefined
  },
  ['event_source', 'event_source_id', 'data']
)

const events2: Check = (value, path, now) =>
  events2Envelope(value, path, now) ??
  events2Items[(value as JsonObject).event_source as EventSource]((value as JsonObject).data, 'data', now)

function run(check: Check, body: unknown, now: number): TikTokReply | undefined {
  if (!isJsonObject(body)) return invalid('Request body must be a JSON object')
  const problem = check(body, '', now)
  return problem === undefined ? undefined : invalid(problem)
}

function invalid(message: string): TikTokReply {
  return { code: TIKTOK_CODES.invalidParameter, message }
}

/** `POST /pixel/track/`: one event, pixel format. */
export function validatePixelTrack(body: unknown, now: number): TikTokReply | undefined {
  return run(pixelTrack, body, now)
}

/** `POST /pixel/batch/`: 1..MAX_EVENTS_PER_REQUEST events, pixel format. */
export function validatePixelBatch(body: unknown, now: number): TikTokReply | undefined {
  return run(pixelBatch, body, now)
}

/** `POST /event/track/`: 1..MAX_EVENTS_PER_REQUEST events, Events API 2.0 format. */
export function validateEvents2(body: unknown, now: number): TikTokReply | undefined {
  return run(events2, body, now)
}
