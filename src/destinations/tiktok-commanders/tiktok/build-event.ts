import { PayloadValidationError } from '@segment/actions-core'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js'
import type { Settings } from '../generated-types'
import type { Payload } from '../reportWebEvent/generated-types'
import { SOURCE_SETTINGS } from '../settings'
import { readCookie, ttclidFromUrl } from '../commanders/identifiers'
import { hashEmail, hashExternalId, hashGaid, hashIdfa, hashName, hashPhone, hashZip, type HashMemo } from '../hashing'
import { CONTENT_TYPES, CURRENCIES, type ContentType } from './constants'
import {
  ATT_STATUSES,
  type AttStatus,
  type CommonEvent,
  type DeviceIds,
  type TikTokContent,
  type TikTokEvent
} from './event-model'
import { CUSTOM_EVENT_RULE, EVENT_SOURCES, WEB_EVENTS, nameForSource, type EventSource } from './event-names'
import { compact } from './compact'

// Payload + settings -> TikTokEvent: pure, no I/O, shared by single and batch sends of every source and format.
// Every TikTok rule that would otherwise come back as a 40002 is checked here and refused with a
// PayloadValidationError that names the field, before any request is made.

const currencies: ReadonlySet<string> = new Set(CURRENCIES)
const contentTypes: ReadonlySet<string> = new Set(CONTENT_TYPES)
const sources: ReadonlySet<string> = new Set(EVENT_SOURCES)
const attStatuses: ReadonlySet<string> = new Set(ATT_STATUSES)

// Clocks drift between the site, the CDP and TikTok; a little skew is not a future event.
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
// Below this a numeric timestamp is read as epoch seconds (1e11 s is the year 5138; 1e11 ms is 1973).
const EPOCH_SECONDS_BELOW = 1e11
// Events API 2.0 takes a positive count of unix seconds and the pixel format a four-digit year: an earlier date can
// only be a broken clock or field, and either format would carry it to TikTok as a value TikTok refuses.
const EARLIEST_MS = 1000
const EMAIL_FIELDS = ['email', 'email_md5', 'email_sha256'] as const

type Device = NonNullable<Payload['device']>

/** `memo`: hashes of identifiers seen lately (see HashMemo); without one, each is hashed afresh. */
export function buildEvent(
  payload: Payload,
  settings: Settings,
  now: number = Date.now(),
  memo?: HashMemo
): TikTokEvent {
  // The current layout's context fills Page, Device, App and Event Time when empty (see fields.ts).
  const context = own(payload, 'context')
  const partner = own(payload, 'tiktok_partner')
  // The value fields below take Event Properties' value when empty (see fields.ts).
  const props = own(payload, 'properties')
  const app = appOf(payload, context)
  const source = eventSource(payload, settings, partner, app)
  const sourceId = sourceIdOf(source, settings)
  const pixel = source === 'web' && (settings.apiFormat ?? 'pixel') === 'pixel'
  const name = eventName(payload.event, source, pixel)
  const device = orContext<Device>(payload, 'device', context)
  const contents = buildContents(payload, props)
  const query = text(payload.query) ?? textIn(props, 'search_term', 'properties.search_term')
  const common: CommonEvent = {
    event: name.name,
    custom: name.custom,
    sourceId,
    eventId: text(payload.event_id),
    time: parseTimestamp(eventTime(payload, context), now),
    builtAt: now,
    user: buildUser(payload, props, settings, memo),
    ip: text(payload.ip) ?? textIn(device, 'ip', 'device.ip'),
    userAgent: text(payload.user_agent) ?? textIn(device, 'user_agent', 'device.user_agent'),
    locale: source === 'web' || source === 'app' ? locale(device) : undefined,
    properties: {
      contents,
      contentIds: contentIds(contents),
      contentType:
        contentType(
          text(payload.content_type) ?? textIn(props, 'content_type', 'properties.content_type'),
          'content_type'
        ) ?? 'product',
      currency: currencyCode(text(payload.currency) ?? textIn(props, 'currency', 'properties.currency')),
      value: number(payload.value ?? own(props, 'value'), payload.value === undefined ? 'properties.value' : 'value'),
      numItems: contents?.length,
      description: text(payload.description),
      query,
      orderId: text(payload.order_id) ?? textIn(props, 'id', 'properties.id'),
      shopId: text(payload.shop_id) ?? textIn(partner, 'shop_id', 'tiktok_partner.shop_id'),
      custom: customProperties(payload.custom_properties)
    },
    limitedDataUse:
      flag(payload.limited_data_use, 'limited_data_use') ?? flag(own(partner, 'ldu'), 'tiktok_partner.ldu')
  }
  // The source's part is added to `common` in place: V8 copies `{ ...common, source }` (a spread followed by more
  // keys) the slow way, about 9 us an event here, more than all of the event's hashing.
  switch (source) {
    case 'web':
      return Object.assign(common, {
        source,
        ...webPart(payload, orContext(payload, 'page', context), device, partner)
      })
    case 'app':
      return Object.assign(common, { source, app: appPart(app), device: deviceIds(device, memo) })
    case 'offline':
      return Object.assign(common, { source })
    case 'crm':
      return Object.assign(common, { source, lead: leadPart(payload, partner) })
  }
}

/**
 * Where the event comes from: the Event Source field when set; otherwise an app event when an App ID is configured,
 * autodiscovery is on and the event carries an app (context.app, what the Commanders Act mobile SDKs send); web
 * otherwise, as before app events existed.
 */
function eventSource(payload: Payload, settings: Settings, partner: unknown, app: App | undefined): EventSource {
  // Checked here rather than by a `choices` enum: the framework keeps a '' in a batch that it drops for one event.
  const explicit = (
    text(payload.event_source) ?? textIn(partner, 'event_source', 'tiktok_partner.event_source')
  )?.toLowerCase()
  if (explicit !== undefined) {
    if (!sources.has(explicit)) {
      throw new PayloadValidationError(
        `event_source: "${explicit.slice(0, 32)}" is not a TikTok event source; use web, app, offline or crm.`
      )
    }
    return explicit as EventSource
  }
  const discovers = settings.autodiscoverAppEvents !== false && !!text(settings.appId)
  return discovers && app && Object.keys(app).length > 0 ? 'app' : 'web'
}

type App = NonNullable<Payload['app']>

/** The App field, else what a Commanders Act mobile SDK sends as context.app (its namespace is the store id). */
function appOf(payload: Payload, context: unknown): App | undefined {
  const mapped = own<App>(payload, 'app')
  if (mapped !== undefined && mapped !== null) return mapped
  const sdk = own(context, 'app')
  if (sdk === undefined || sdk === null) return undefined
  return compact({
    app_id: textIn(sdk, 'namespace', 'context.app.namespace'),
    app_name: textIn(sdk, 'name', 'context.app.name'),
    app_version: textIn(sdk, 'version', 'context.app.version')
  })
}

/** A container of the event (Page, Device), else the one of the same name in its Context. */
function orContext<T>(payload: Payload, key: 'page' | 'device', context: unknown): T | undefined {
  return own<T>(payload, key) ?? own<T>(context, key)
}

/** Event Time, else Context's event_timestamp; only a number or text can be a date. */
function eventTime(payload: Payload, context: unknown): string | number | undefined {
  if (payload.timestamp !== undefined) return payload.timestamp
  const raw = own(context, 'event_timestamp')
  if (raw === undefined || raw === null || typeof raw === 'string' || typeof raw === 'number') return raw ?? undefined
  throw new PayloadValidationError(
    `context.event_timestamp: ${quote(raw)} is not a date. Send epoch milliseconds, epoch seconds or ISO 8601.`
  )
}

function sourceIdOf(source: EventSource, settings: Settings): string {
  const setting = SOURCE_SETTINGS[source]
  const id = text(settings[setting.key])
  if (id === undefined) {
    throw new PayloadValidationError(
      `event_source: this is a${source === 'app' || source === 'offline' ? 'n' : ''} ${source} event, and the ${setting.label} setting is empty. Set it to the id of your TikTok ${setting.noun}, or map Event Source to another source.`
    )
  }
  return id
}

function eventName(raw: string | undefined, source: EventSource, pixel: boolean): { name: string; custom: boolean } {
  const event = text(raw) ?? ''
  const verdict = nameForSource(event, source, pixel ? false : undefined)
  if (verdict.ok) return verdict
  const quoted = `event: "${event.slice(0, 64)}"`
  if (pixel) {
    throw new PayloadValidationError(
      `${quoted} is not a TikTok standard web event. TikTok discards custom events and their data in the pixel format; map this event to one of ${WEB_EVENTS.join(', ')}, or use the Events API 2.0 format for custom events.`
    )
  }
  switch (verdict.reason) {
    case 'other-source':
      throw new PayloadValidationError(
        `${quoted} is a TikTok ${verdict.sources?.join('/')} event, and this is a${source === 'app' || source === 'offline' ? 'n' : ''} ${source} event. Map it to a ${source} event name${source === 'offline' ? '' : ' or a custom name'}.`
      )
    case 'custom-not-allowed':
      throw new PayloadValidationError(
        `${quoted} is not a TikTok standard ${source} event, and ${source} events take standard names only.`
      )
    default:
      throw new PayloadValidationError(
        `${quoted} is neither a TikTok standard ${source} event nor a valid custom event name: ${CUSTOM_EVENT_RULE}.`
      )
  }
}

// An empty value field takes its container's value: Page, Device, TikTok Partner Fields (see fields.ts). The defaults
// read each container once, not once per value.
function webPart(payload: Payload, page: unknown, device: unknown, partner: unknown) {
  const pageUrl = text(payload.page_url) ?? textIn(page, 'url', 'page.url')
  const cookie = text(payload.cookie) ?? textIn(device, 'cookie', 'device.cookie')
  return {
    page: { url: pageUrl, referrer: text(payload.referrer) ?? textIn(page, 'referrer', 'page.referrer') },
    ttp: text(payload.ttp) ?? textIn(partner, 'ttp', 'tiktok_partner.ttp') ?? readCookie(cookie, '_ttp'),
    ttclid:
      text(payload.ttclid) ??
      textIn(partner, 'ttclid', 'tiktok_partner.ttclid') ??
      readCookie(cookie, 'ttclid') ??
      ttclidFromUrl(text(payload.landing_url) ?? textIn(own(page, 'location'), 'href', 'page.location.href')) ??
      ttclidFromUrl(pageUrl)
  }
}

function appPart(app: App = {}) {
  const appId = text(own(app, 'app_id'))
  if (appId === undefined) {
    throw new PayloadValidationError(
      'app.app_id: an app event needs the store id of the app (context.app.namespace by default): the numeric App Store id on iOS, the package name on Android.'
    )
  }
  return { appId, appName: text(own(app, 'app_name')), appVersion: text(own(app, 'app_version')) }
}

/** Each platform's ids, and never another platform's: an IDFA on Android would be a wrong id, not a missing one. */
function deviceIds(device: Device | undefined, memo: HashMemo | undefined): DeviceIds {
  const platform = textIn(device, 'type', 'device.type')?.toLowerCase()
  const advertisingId = textIn(device, 'advertising_id', 'device.advertising_id')
  const explicit = textIn(device, 'att_status', 'device.att_status')?.toUpperCase()
  if (explicit !== undefined && !attStatuses.has(explicit)) {
    throw new PayloadValidationError(
      `device.att_status: "${explicit.slice(0, 32)}" must be one of ${ATT_STATUSES.join(', ')}.`
    )
  }
  if (platform === 'ios') {
    const tracking = flag(own(device, 'ad_tracking_enabled'), 'device.ad_tracking_enabled')
    const derived = tracking === true ? 'AUTHORIZED' : tracking === false ? 'DENIED' : undefined
    return (
      compact({
        idfa: mapText(advertisingId, hasher(memo, 'idfa', hashIdfa)),
        idfv: textIn(device, 'idfv', 'device.idfv'),
        attStatus: (explicit ?? derived) as AttStatus | undefined
      }) ?? {}
    )
  }
  if (platform === 'android') {
    return (
      compact({
        gaid: mapText(advertisingId, hasher(memo, 'gaid', hashGaid)),
        attStatus: (explicit ?? 'NOT_APPLICABLE') as AttStatus
      }) ?? {}
    )
  }
  return compact({ attStatus: explicit as AttStatus | undefined }) ?? {}
}

function leadPart(payload: Payload, partner: unknown) {
  const leadId = text(payload.lead_id) ?? textIn(partner, 'lead_id', 'tiktok_partner.lead_id')
  if (leadId === undefined) {
    throw new PayloadValidationError(
      'lead_id: a CRM event needs the id of its lead (partners.tiktok.lead_id by default); TikTok refuses CRM events without one.'
    )
  }
  return {
    leadId,
    leadEventSource:
      text(payload.lead_event_source) ?? textIn(partner, 'lead_event_source', 'tiktok_partner.lead_event_source')
  }
}

/** BCP 47 from the SDK's language and region (`en` + `US` = `en-US`), else the web tag's `lang`. */
function locale(device: Device | undefined): string | undefined {
  const language = textIn(device, 'language', 'device.language')
  const region = textIn(device, 'region', 'device.region')
  const tag = language
    ? region && !language.includes('-')
      ? `${language}-${region}`
      : language
    : textIn(device, 'lang', 'device.lang')
  if (tag === undefined) return undefined
  const [lang, ...rest] = tag.replace(/_/g, '-').split('-')
  return [lang.toLowerCase(), ...rest.map((part) => (part.length === 2 ? part.toUpperCase() : part))].join('-')
}

function buildUser(
  payload: Payload,
  props: unknown,
  settings: Settings,
  memo: HashMemo | undefined
): TikTokEvent['user'] {
  // Empty: Event Properties' user (see fields.ts), which the framework has not checked.
  const user = own<Record<string, unknown>>(payload, 'user') ?? own(props, 'user') ?? {}
  if (user === null || typeof user !== 'object' || Array.isArray(user)) {
    throw new PayloadValidationError(`properties.user: must be a user (an object), not ${quote(user)}.`)
  }
  const identifier = settings.userIdentifier?.trim() || 'id'
  const chosenEmail = settings.userEmailField ?? 'email'
  // The chosen email property first, then any other present one: a CDP rarely fills all three.
  const emails = firstTexts(user, [chosenEmail, ...EMAIL_FIELDS.filter((f) => f !== chosenEmail)])
  const country = phoneCountry(settings)
  return (
    compact({
      externalId: hashAll(userProperty(user, identifier), hasher(memo, 'external_id', hashExternalId)),
      email: hashAll(emails, hasher(memo, 'email', hashEmail)),
      phone: hashAll(
        userProperty(user, 'phone'),
        hasher(memo, `phone ${country ?? ''}`, (phone) => hashPhone(phone, country))
      ),
      firstName: mapText(textIn(user, 'firstname', 'user.firstname'), hasher(memo, 'name', hashName)),
      lastName: mapText(textIn(user, 'lastname', 'user.lastname'), hasher(memo, 'name', hashName)),
      zipCode: mapText(textIn(user, 'zipcode', 'user.zipcode'), hasher(memo, 'zip', hashZip)),
      city: textIn(user, 'city', 'user.city')?.toLowerCase(),
      state: textIn(user, 'state', 'user.state')?.toLowerCase(),
      country: textIn(user, 'country', 'user.country')?.toLowerCase()
    }) ?? {}
  )
}

function phoneCountry(settings: Settings): CountryCode | undefined {
  const code = text(settings.defaultPhoneCountry)?.toUpperCase()
  if (code === undefined) return undefined
  if (!isSupportedCountry(code)) {
    // Every national number would silently be left out: the setting is wrong, and the marketer must know.
    throw new PayloadValidationError(
      `Default Phone Country: "${code.slice(0, 16)}" is not a two-letter country code (ISO 3166, e.g. FR, DE, US).`
    )
  }
  return code
}

/** A user property, or its pre-hashed twin (`<prop>_sha256`), which Commanders Act may send instead. */
function userProperty(user: Record<string, unknown>, name: string): string[] | undefined {
  return userTexts(user, name) ?? userTexts(user, `${name}_sha256`)
}

/**
 * A property of an event's own, never one inherited: `{"__proto__": {"email": ...}}` in an event is data, and must
 * not stand in for a missing property.
 */
function own<T = unknown>(object: unknown, key: string): T | undefined {
  return object !== null && typeof object === 'object' && Object.hasOwn(object, key)
    ? ((object as Record<string, unknown>)[key] as T)
    : undefined
}

function contentIds(contents: TikTokContent[] | undefined): string[] | undefined {
  if (contents === undefined) return undefined
  const ids: string[] = []
  for (const c of contents) if (c.content_id !== undefined) ids.push(c.content_id)
  return ids.length ? ids : undefined
}

/** The marketer's own properties, as given; nothing empty. */
function customProperties(raw: unknown): Record<string, unknown> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined
  const out: Record<string, unknown> = {}
  let empty = true
  for (const key of Object.keys(raw)) {
    const v = (raw as Record<string, unknown>)[key]
    if (v === undefined || v === null || v === '') continue
    // defineProperty: a key such as `__proto__` stays a plain key.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true })
    empty = false
  }
  return empty ? undefined : out
}

function buildContents(payload: Payload, props: unknown): TikTokContent[] | undefined {
  const mapped = payload.contents
  if (mapped?.length) return mapped.map(mappedContent)
  // Empty: made from Commanders Act's items, the Items field's or else Event Properties' (see fields.ts).
  const items = payload.items?.length ? payload.items : own(props, 'items')
  if (items === undefined || items === null) return undefined
  if (!Array.isArray(items)) {
    throw new PayloadValidationError(`properties.items: must be a list of items, not ${quote(items)}.`)
  }
  if (!items.length) return undefined
  return items.map(itemContent)
}

/** A Contents entry: its TikTok fields, each empty one taken from the entry's Product. */
function mappedContent(item: NonNullable<Payload['contents']>[number], i: number): TikTokContent {
  const product = own(item, 'product')
  const field = `contents.${i}`
  // Never empty: content_type always has a value.
  return compact({
    // TikTok rejects a numeric content_id (40002 Not a valid string).
    content_id: text(item.content_id) ?? textIn(product, 'id', `${field}.product.id`),
    brand: text(item.brand) ?? textIn(product, 'brand', `${field}.product.brand`),
    content_type: contentType(text(item.content_type), `${field}.content_type`) ?? 'product',
    content_name: text(item.content_name) ?? textIn(product, 'name', `${field}.product.name`),
    content_category: text(item.content_category) ?? textIn(product, 'category_1', `${field}.product.category_1`),
    price: number(
      item.price ?? own(product, 'price'),
      item.price === undefined ? `${field}.product.price` : `${field}.price`
    ),
    quantity: quantity(item.quantity, `${field}.quantity`)
  }) as TikTokContent
}

/**
 * A Commanders Act item as a TikTok content: its id (else its product's id), quantity and content_type, and its
 * product's price, name, category_1 and brand. An item's other keys are not read.
 */
function itemContent(item: unknown, i: number): TikTokContent {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new PayloadValidationError(`items.${i}: must be an item (an object), not ${quote(item)}.`)
  }
  const product = own(item, 'product')
  const field = `items.${i}`
  if (product !== undefined && product !== null && (typeof product !== 'object' || Array.isArray(product))) {
    throw new PayloadValidationError(`${field}.product: must be a product (an object), not ${quote(product)}.`)
  }
  return compact({
    content_id: textIn(item, 'id', `${field}.id`) ?? textIn(product, 'id', `${field}.product.id`),
    brand: textIn(product, 'brand', `${field}.product.brand`),
    content_type:
      contentType(textIn(item, 'content_type', `${field}.content_type`), `${field}.content_type`) ?? 'product',
    content_name: textIn(product, 'name', `${field}.product.name`),
    content_category: textIn(product, 'category_1', `${field}.product.category_1`),
    price: number(own(product, 'price'), `${field}.product.price`),
    quantity: quantity(own(item, 'quantity'), `${field}.quantity`)
  }) as TikTokContent
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

// A number written as text ("12.5", " 3 "), as the framework's schema reads one.
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** A number of zero or more, or undefined when empty; a number in text is read as one; anything else is refused. */
function number(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined
  const n = typeof raw === 'string' && NUMERIC.test(raw.trim()) ? Number(raw) : raw
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new PayloadValidationError(`${field}: ${quote(raw)} is not a number of zero or more.`)
  }
  return n
}

function quantity(raw: unknown, field: string): number | undefined {
  const n = number(raw, field)
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new PayloadValidationError(`${field}: must be a whole number of 1 or more.`)
  }
  return n
}

/** true or false; also in text ("true", "false") or as 1 and 0, as the framework's schema reads a boolean. */
function flag(raw: unknown, field: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined
  if (typeof raw === 'boolean') return raw
  if (raw === 'true' || raw === 1) return true
  if (raw === 'false' || raw === 0) return false
  throw new PayloadValidationError(`${field}: ${quote(raw)} is neither true nor false.`)
}

/** A value for an error message: short, and never more of it than helps to find it. */
function quote(raw: unknown): string {
  if (typeof raw === 'string') return `"${raw.slice(0, 32)}"`
  if (Array.isArray(raw)) return 'a list'
  if (raw !== null && typeof raw === 'object') return 'an object'
  return String(raw)
}

/**
 * A value of a container (Page, Device, User, ...) read as text, as the framework's schema reads a text field: a
 * number or true/false is text too; an object or a list is refused, naming the value, rather than quietly dropped.
 */
function textIn(container: unknown, key: string, field: string): string | undefined {
  return asText(own(container, key), field)
}

function asText(raw: unknown, field: string): string | undefined {
  if (raw !== null && typeof raw === 'object') {
    throw new PayloadValidationError(`${field}: must be text, not ${quote(raw)}.`)
  }
  return text(typeof raw === 'boolean' ? String(raw) : raw)
}

/** One text value of the user or a list of them (a CRM may know several emails); undefined when none. */
function userTexts(user: unknown, key: string): string[] | undefined {
  const raw = own(user, key)
  const field = `user.${key}`
  if (!Array.isArray(raw)) {
    const t = asText(raw, field)
    return t === undefined ? undefined : [t]
  }
  const values: string[] = []
  raw.forEach((v, i) => {
    const t = asText(v, `${field}.${i}`)
    if (t !== undefined) values.push(t)
  })
  return values.length ? values : undefined
}

/** A non-empty trimmed string, or undefined: TikTok gets no '' values. */
function text(raw: unknown): string | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw)
  if (typeof raw !== 'string') return undefined
  const trimmed = raw.trim()
  return trimmed || undefined
}

/** The values of the first of these properties that has any. */
function firstTexts(object: Record<string, unknown>, keys: readonly string[]): string[] | undefined {
  for (const key of keys) {
    const values = userTexts(object, key)
    if (values) return values
  }
  return undefined
}

function mapText(value: string | undefined, fn: (v: string) => string | undefined): string | undefined {
  return value === undefined ? undefined : fn(value)
}

/** The hash of one kind of identifier, through the batch's memo when there is one. */
function hasher(memo: HashMemo | undefined, kind: string, fn: (raw: string) => string | undefined) {
  return memo ? (raw: string) => memo.get(kind, raw, fn) : fn
}

/** Each value hashed, duplicates and unusable values (an unreadable phone) left out. */
function hashAll(values: string[] | undefined, fn: (v: string) => string | undefined): string[] | undefined {
  if (values === undefined) return undefined
  // Nearly always one value: no set for it.
  if (values.length === 1) {
    const hashed = fn(values[0])
    return hashed === undefined ? undefined : [hashed]
  }
  const hashed = new Set<string>()
  for (const v of values) {
    const h = fn(v)
    if (h !== undefined) hashed.add(h)
  }
  return hashed.size ? [...hashed] : undefined
}
