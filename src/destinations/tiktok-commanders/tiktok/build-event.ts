import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from '../reportWebEvent/generated-types'
import { readCookie, ttclidFromUrl } from '../commanders/identifiers'
import { hashEmail, hashExternalId, hashPhone } from '../hashing'
import { CONTENT_TYPES, CURRENCIES, STANDARD_WEB_EVENTS, type ContentType, type StandardWebEvent } from './constants'
import type { TikTokContent, TikTokEvent } from './event-model'
import { compact } from './compact'

// Payload + settings -> TikTokEvent: pure, no I/O, shared by single and batch sends of both wire formats. Every
// TikTok rule that would otherwise come back as a 40002 is checked here and refused with a PayloadValidationError
// that names the field, before any request is made.

const standardEvents: ReadonlySet<string> = new Set(STANDARD_WEB_EVENTS)
const currencies: ReadonlySet<string> = new Set(CURRENCIES)
const contentTypes: ReadonlySet<string> = new Set(CONTENT_TYPES)

// Clocks drift between the site, the CDP and TikTok; a little skew is not a future event.
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
// Below this a numeric timestamp is read as epoch seconds (1e11 s is the year 5138; 1e11 ms is 1973).
const EPOCH_SECONDS_BELOW = 1e11
// Events API 2.0 takes a positive count of unix seconds and the pixel format a four-digit year: an earlier date can
// only be a broken clock or field, and either format would carry it to TikTok as a value TikTok refuses.
const EARLIEST_MS = 1000
const EMAIL_FIELDS = ['email', 'email_md5', 'email_sha256'] as const

export function buildEvent(payload: Payload, settings: Settings, now: number = Date.now()): TikTokEvent {
  const event = text(payload.event)
  if (!event || !standardEvents.has(event)) {
    throw new PayloadValidationError(
      `event: "${event ?? ''}" is not a TikTok standard web event. TikTok discards custom events and their data; map this event to one of ${STANDARD_WEB_EVENTS.join(', ')}.`
    )
  }
  const pageUrl = text(payload.page_url)
  return {
    event: event as StandardWebEvent,
    eventId: text(payload.event_id),
    time: parseTimestamp(payload.timestamp, now),
    builtAt: now,
    user: buildUser(payload, settings),
    ttclid:
      text(payload.ttclid) ??
      readCookie(payload.cookie, 'ttclid') ??
      ttclidFromUrl(text(payload.landing_url)) ??
      ttclidFromUrl(pageUrl),
    ip: text(payload.ip),
    userAgent: text(payload.user_agent),
    page: { url: pageUrl, referrer: text(payload.referrer) },
    properties: {
      contents: buildContents(payload),
      contentType: contentType(payload.content_type, 'content_type') ?? 'product',
      currency: currencyCode(payload.currency),
      value: number(payload.value, 'value'),
      description: text(payload.description),
      query: text(payload.query)
    },
    limitedDataUse: typeof payload.limited_data_use === 'boolean' ? payload.limited_data_use : undefined
  }
}

function buildUser(payload: Payload, settings: Settings): TikTokEvent['user'] {
  const user = payload.user ?? {}
  const identifier = settings.userIdentifier?.trim() || 'id'
  const chosenEmail = settings.userEmailField ?? 'email'
  // The chosen email property first, then any other present one: a CDP rarely fills all three.
  const emailField = [chosenEmail, ...EMAIL_FIELDS.filter((f) => f !== chosenEmail)].find((f) => text(user[f]))
  return {
    externalId: mapText(userProperty(user, identifier), hashExternalId),
    email: emailField ? mapText(text(user[emailField]), hashEmail) : undefined,
    phone: mapText(userProperty(user, 'phone'), hashPhone),
    ttp: text(payload.ttp) ?? readCookie(payload.cookie, '_ttp')
  }
}

/** A user property, or its pre-hashed twin (`<prop>_sha256`), which Commanders Act may send instead. */
function userProperty(user: Record<string, unknown>, name: string): string | undefined {
  return text(user[name]) ?? text(user[`${name}_sha256`])
}

function buildContents(payload: Payload): TikTokContent[] | undefined {
  const contents = (payload.contents ?? []).map((item, i) => {
    // Never empty: content_type always has a value.
    const content = compact({
      // TikTok rejects a numeric content_id (40002 Not a valid string).
      content_id: text(item.content_id),
      content_type: contentType(item.content_type, `contents.${i}.content_type`) ?? 'product',
      content_name: text(item.content_name),
      content_category: text(item.content_category),
      price: number(item.price, `contents.${i}.price`),
      quantity: quantity(item.quantity, `contents.${i}.quantity`)
    }) as TikTokContent
    return content
  })
  return contents.length ? contents : undefined
}

/**
 * Epoch milliseconds from epoch milliseconds, epoch seconds, numeric strings or ISO 8601 strings. Empty: undefined
 * (TikTok then uses the time it receives the event). Unreadable or in the future: refused, never sent as null.
 */
export function parseTimestamp(raw: string | number | undefined, now: number): number | undefined {
  const value = typeof raw === 'string' ? raw.trim() : raw
  if (value === undefined || value === '') return undefined
  let ms: number
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value)
    ms = n < EPOCH_SECONDS_BELOW ? n * 1000 : n
  } else {
    ms = Date.parse(value)
  }
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new PayloadValidationError(
      `timestamp: "${String(raw).slice(0, 64)}" is not a date. Send epoch milliseconds, epoch seconds or ISO 8601.`
    )
  }
  if (ms < EARLIEST_MS) {
    throw new PayloadValidationError(
      `timestamp: ${new Date(ms).toISOString()} is before 1970-01-01T00:00:01Z; TikTok refuses events that old.`
    )
  }
  if (ms > now + MAX_CLOCK_SKEW_MS) {
    throw new PayloadValidationError(
      `timestamp: ${new Date(ms).toISOString()} is in the future; TikTok refuses events that have not happened yet.`
    )
  }
  return Math.round(ms)
}

function currencyCode(raw: string | undefined): string | undefined {
  const code = text(raw)?.toUpperCase()
  if (code === undefined) return undefined
  if (!currencies.has(code)) {
    throw new PayloadValidationError(
      `currency: "${code.slice(0, 16)}" is not a currency TikTok accepts. Use an ISO 4217 code such as EUR or USD.`
    )
  }
  return code
}

function contentType(raw: string | undefined, field: string): ContentType | undefined {
  const type = text(raw)
  if (type === undefined) return undefined
  if (!contentTypes.has(type)) {
    throw new PayloadValidationError(`${field}: "${type.slice(0, 32)}" must be product or product_group.`)
  }
  return type as ContentType
}

function number(raw: number | undefined, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
    throw new PayloadValidationError(`${field}: must be a number of zero or more.`)
  }
  return raw
}

function quantity(raw: number | undefined, field: string): number | undefined {
  const n = number(raw, field)
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new PayloadValidationError(`${field}: must be a whole number of 1 or more.`)
  }
  return n
}

/** A non-empty trimmed string, or undefined: TikTok gets no '' values. */
function text(raw: unknown): string | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw)
  if (typeof raw !== 'string') return undefined
  const trimmed = raw.trim()
  return trimmed || undefined
}

function mapText(value: string | undefined, fn: (v: string) => string | undefined): string | undefined {
  return value === undefined ? undefined : fn(value)
}
