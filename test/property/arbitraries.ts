import fc from 'fast-check'
import type { JSONObject } from '@segment/actions-core'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { PRESET_TABLE } from '../../src/destinations/tiktok-commanders/presets'
import { DEFAULT_APP_ID, DEFAULT_CRM_EVENT_SET_ID, DEFAULT_OFFLINE_EVENT_SET_ID } from '../../src/emulator'
import { CURRENCIES, STANDARD_WEB_EVENTS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { presetMapping } from '../helpers'

// Generated Commanders Act events, in both layouts, mixing realistic values with hostile ones. Every field may be
// missing, wrongly typed or junk, and every container (properties, page, device, context, user, items, partners)
// may itself be replaced by junk: the destination must answer each with one clean request or a named refusal.

export const EVENT_NAMES: readonly string[] = PRESET_TABLE.map((row) => row.commandersAct)

// Fixed when the module loads: "future" dates are at least 10 minutes past this, so they stay in the future for the
// whole run (and for every shrink of a failing case) on any machine.
const LOADED_AT = Date.now()

// Built once: generating 100 KB of random text per value would dominate the run time and teach nothing more.
const HUGE_ASCII = 'x'.repeat(100_000)
const HUGE_UNICODE = '😀é\u202Eمرحبا\u0000👩‍👩‍👧‍👦'.repeat(5_000)
const HUGE_DIGITS = '9'.repeat(100_000)

/** Strings that have broken parsers, encoders and databases before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '-1',
  '0',
  '0x1F',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '__proto__',
  'constructor',
  'a\u0000b',
  '\u0000',
  '\uD800', // a lone surrogate: JSON.stringify escapes it, a naive encoder chokes
  '\uDFFF\uD800',
  '\u202Egnp.exe', // right-to-left override
  'مرحبا بالعالم',
  'שלום',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Ω≈ç√∫˜µ≤≥÷',
  '%E0%A4%A', // malformed percent-encoding
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  HUGE_ASCII,
  HUGE_UNICODE,
  HUGE_DIGITS
]

const nastyString = fc.constantFrom(...NASTY_STRINGS)
const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: nastyString }
)

// NaN and -0 cannot come out of JSON (1e999 does, as Infinity), but a CDP's own transforms can produce them.
const weirdNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 2 ** 53 + 1),
  fc.double(),
  fc.integer()
)

const junkScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false),
  anyString,
  weirdNumber
)

/** Junk as it arrives in JSON, prototype chain and all: plain objects, arrays, nesting. */
const junkJson: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 3 })
  // A JSON round trip gives ordinary Object.prototype objects, as JSON.parse does for a real event.
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown)

/** Objects with real own `__proto__`, `constructor` and `prototype` keys, only creatable through JSON.parse. */
const protoBomb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ proto: junkJson, ctor: junkJson, prototype: junkJson })
  .map(
    ({ proto, ctor, prototype }) =>
      JSON.parse(
        `{"__proto__":${JSON.stringify(proto ?? { polluted: 'yes', email: 'proto@evil.example' })},` +
          `"constructor":${JSON.stringify(ctor ?? { prototype: { polluted: 'yes' } })},` +
          `"prototype":${JSON.stringify(prototype ?? null)}}`
      ) as Record<string, unknown>
  )

/** Anything that does not belong: scalars of the wrong kind, arrays, deep junk objects, prototype bombs. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: junkScalar },
  { weight: 2, arbitrary: junkJson },
  { weight: 1, arbitrary: protoBomb },
  { weight: 1, arbitrary: fc.array(junkScalar, { maxLength: 3 }) }
)

/** A record whose keys may each be missing, with prototype bombs mixed in. */
function looseRecord(model: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const record = fc.record(model, { requiredKeys: [], noNullPrototype: true })
  return fc.oneof(
    { weight: 6, arbitrary: record },
    // Spreading a JSON.parse'd object copies its own `__proto__` key as an own key: the prototype stays intact.
    { weight: 1, arbitrary: fc.tuple(record, protoBomb).map(([r, bomb]) => ({ ...bomb, ...r })) }
  )
}

// --- Realistic leaves -----------------------------------------------------------------------------------------

const PAST_MS = { min: 1_500_000_000_000, max: 1_730_000_000_000 } // 2017 .. 2024
const pastMs = fc.integer(PAST_MS)
const futureMs = fc.integer({ min: 10 * 60 * 1000, max: 100 * 365 * 24 * 3600 * 1000 }).map((d) => LOADED_AT + d)
const isoOffsets = fc.constantFrom('Z', '+00:00', '+01:00', '-05:30', '+14:00')

export const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: pastMs },
  { weight: 4, arbitrary: pastMs.map((ms) => ms / 1000) }, // epoch seconds, fractional
  { weight: 3, arbitrary: pastMs.map((ms) => String(Math.floor(ms / 1000))) },
  { weight: 3, arbitrary: pastMs.map(String) },
  { weight: 6, arbitrary: pastMs.map((ms) => new Date(ms).toISOString()) },
  {
    weight: 4,
    arbitrary: fc.tuple(pastMs, isoOffsets).map(([ms, off]) => new Date(ms).toISOString().slice(0, 19) + off)
  },
  // Future dates, as ms, seconds and ISO.
  { weight: 2, arbitrary: futureMs },
  { weight: 1, arbitrary: futureMs.map((ms) => Math.floor(ms / 1000)) },
  { weight: 1, arbitrary: futureMs.map((ms) => new Date(ms).toISOString()) },
  // Any date at all, from year -271821 to +275760, and the invalid one.
  {
    weight: 2,
    arbitrary: fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString()))
  },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.getTime()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'last tuesday',
      '2025-02-30T00:00:00Z',
      '2024-13-45T99:99:99Z',
      '0000-02-29T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:00:00Z',
      '2024-11-25 02:00:00',
      'Mon, 25 Nov 2024 02:00:00 GMT',
      '+275760-09-13T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      '-1',
      '0',
      '0.5',
      0,
      -1,
      0.4,
      1e21
    )
  }
)

const idText = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/)
const eventId = fc.oneof(
  idText.map((s) => `evt-${s}`),
  fc.uuid(),
  fc.integer({ min: 0 })
)

const url = fc.oneof(
  { weight: 3, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.webUrl(), fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/))
      .map(([u, id]) => `${u}?utm_source=tiktok&ttclid=E.C.P.${id}#top`)
  },
  { weight: 1, arbitrary: fc.constantFrom('/relative/path?ttclid=', 'http://[::1', '?ttclid=%E0%A4%A', 'not a url') }
)

const ip = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('203.0.113.7', '::ffff:203.0.113.7', '999.1.1.1', 'localhost')
)
const userAgent = fc.oneof(
  fc.constantFrom(
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
  ),
  fc.string()
)

const cookieValue = fc.oneof(fc.stringMatching(/^[A-Za-z0-9.]{1,27}$/), anyString)
const cookie = fc.oneof(
  fc.tuple(cookieValue, cookieValue).map(([ttp, ttclid]) => `_ga=GA1.2.3; _ttp=${ttp}; ttclid=${ttclid}`),
  fc.constantFrom('_ttp=; ttclid=', '_ttp', 'ttclid=%E0%A4%A; _ttp=%', ';;;=;', '_ttp=a=b=c'),
  anyString
)

const currency = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CURRENCIES) },
  { weight: 1, arbitrary: fc.constantFrom(...CURRENCIES).map((c) => ` ${c.toLowerCase()} `) },
  { weight: 1, arbitrary: fc.constantFrom('EURO', '€', 'XXX', 'usd$', '') }
)

const money = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
  // Numbers as strings, the way many tag plans send them.
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('59,90', '59.90 €', ' 12 ', '-5', '1e3', 'NaN', 'Infinity', -5) }
)

const quantity = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 99 }) },
  { weight: 1, arbitrary: fc.constantFrom('2', 0, -1, 1.5, '1.0', 'two') }
)

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('product', 'product_group', ' product ') },
  { weight: 1, arbitrary: fc.constantFrom('PRODUCT', 'service', '') }
)

const email = fc.oneof(
  fc.emailAddress(),
  fc.emailAddress().map((e) => `  ${e.toUpperCase()}\t`)
)
const phone = fc.constantFrom('+33612345678', '+33 6 12 34 56 78', '0033612345678', '(+1)2133734253', '06 12 34 56 78')
const sha256Like = fc.stringMatching(/^[0-9a-fA-F]{64}$/)

/** A Commanders Act event name: one of the 14 the presets subscribe to, or junk. */
/** An advertising id as devices report it: either case, or zeroed when the user gave no consent. */
const advertisingId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant('00000000-0000-0000-0000-000000000000') }
)

export const eventName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVENT_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('Purchase', 'purchase ', 'my_custom_event', 'CompletePayment') },
  { weight: 1, arbitrary: hostile }
)

/**
 * Generated events of both layouts at one level of hostility: how often, out of 20, a field or container is
 * replaced by junk. At 0 only realistic values appear (some still invalid: bad dates, unknown currencies); with
 * ~30 fields, a level of 4 leaves almost no event intact, so suites mix levels to reach both outcomes often.
 */
export function commandersEvents(level: number) {
  const h = <T>(realistic: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
    level === 0 ? realistic : fc.oneof({ weight: 20, arbitrary: realistic }, { weight: level, arbitrary: hostile })
  const container = (model: Record<string, fc.Arbitrary<unknown>>) => h(looseRecord(model))

  const product = container({
    id: h(fc.oneof(idText, fc.integer())),
    name: h(fc.string()),
    price: h(money),
    category_1: h(fc.string()),
    brand: h(fc.string())
  })
  const item = container({
    id: h(fc.oneof(idText, fc.integer())),
    quantity: h(quantity),
    content_type: h(contentType),
    price: h(money),
    name: h(fc.string()),
    product
  })
  // An array of items, usually; sometimes one object where the array belongs.
  const items = h(fc.oneof({ weight: 6, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: item }))
  const user = container({
    id: h(fc.oneof(idText, fc.integer())),
    customer_id: h(idText),
    email: h(email),
    email_md5: h(fc.stringMatching(/^[0-9a-f]{32}$/)),
    email_sha256: h(sha256Like),
    id_sha256: h(sha256Like),
    phone: h(phone),
    phone_sha256: h(sha256Like),
    firstname: h(fc.string()),
    lastname: h(fc.string()),
    zipcode: h(fc.string()),
    city: h(fc.string()),
    country: h(fc.constantFrom('FR', 'fr', 'US'))
  })
  const page = container({ url: h(url), referrer: h(url), location: container({ href: h(url) }) })
  // What the Commanders Act mobile SDKs add: the platform, its ids and consent, the language.
  const device = container({
    ip: h(ip),
    user_agent: h(userAgent),
    cookie: h(cookie),
    type: h(fc.constantFrom('ios', 'iOS', 'Android', 'android', 'web')),
    advertising_id: h(advertisingId),
    idfv: h(fc.uuid().map((u) => u.toUpperCase())),
    ad_tracking_enabled: h(fc.boolean()),
    att_status: h(fc.constantFrom('authorized', 'DENIED', 'NOT_DETERMINED', 'restricted', 'NOT_APPLICABLE', 'maybe')),
    language: h(fc.constantFrom('en', 'fr', 'pt-BR')),
    region: h(fc.constantFrom('US', 'FR', 'br')),
    lang: h(fc.constantFrom('fr', 'en_GB'))
  })
  const app = container({ namespace: h(idText), name: h(fc.string()), version: h(fc.string()) })
  const partners = container({
    tiktok: container({
      ttp: h(cookieValue),
      ttclid: h(cookieValue),
      ldu: h(fc.constantFrom(true, false, 'true', 1)),
      event_source: h(
        fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom('web', 'app', 'offline', 'offline', 'crm', 'CRM') },
          { weight: 1, arbitrary: fc.constant('kiosk') }
        )
      ),
      shop_id: h(idText),
      lead_id: h(idText),
      lead_event_source: h(fc.constantFrom('Salesforce', 'HubSpot'))
    })
  })
  const name = level === 0 ? fc.constantFrom(...EVENT_NAMES) : eventName

  /** The page layout (HTTP API 1.0): `event_name`, `properties.*`, `page`, `device`, `partners` at the root. */
  const pageLayout: fc.Arbitrary<CommandersActEvent> = fc
    .record(
      {
        event_name: name,
        event_timestamp: h(timestamp),
        properties: container({
          id: h(eventId),
          user,
          items,
          value: h(money),
          currency: h(currency),
          search_term: h(fc.string()),
          content_type: h(contentType)
        }),
        page,
        device,
        partners
      },
      { requiredKeys: ['event_name'], noNullPrototype: true }
    )
    .map((e) => e as CommandersActEvent)

  /** The current layout: `context.{event_id,event_timestamp,page,device}`; `user`, `items`, `value` at the root. */
  const currentLayout: fc.Arbitrary<CommandersActEvent> = fc
    .record(
      {
        event_name: name,
        context: container({
          event_id: h(eventId),
          event_timestamp: h(timestamp),
          page,
          device,
          app,
          // Segment's reserved key, which the framework reads from every event's context.
          ...(level === 0 ? {} : { personas: hostile })
        }),
        user,
        items,
        value: h(money),
        currency: h(currency),
        search_term: h(fc.string()),
        content_type: h(contentType),
        partners
      },
      { requiredKeys: ['event_name'], noNullPrototype: true }
    )
    .map((e) => e as CommandersActEvent)

  return { pageLayout, currentLayout, either: fc.oneof(pageLayout, currentLayout) }
}

const LEVELS = [0, 1, 4].map(commandersEvents)

/** Events of every level of hostility: about a third clean, a third mild, a third wild. */
export const pageLayoutEvent = fc.oneof(...LEVELS.map((l) => l.pageLayout))
export const currentLayoutEvent = fc.oneof(...LEVELS.map((l) => l.currentLayout))
export const anyEvent: fc.Arbitrary<CommandersActEvent> = fc.oneof(pageLayoutEvent, currentLayoutEvent)
/** Clean and mildly hostile events only: most reach TikTok, for properties about what TikTok answers. */
export const mostlySentEvent: fc.Arbitrary<CommandersActEvent> = fc.oneof(
  ...LEVELS.slice(0, 2).flatMap((l) => [l.pageLayout, l.currentLayout])
)

/**
 * The mapping the CDP would apply: the event's own preset when its name has one; otherwise (a name no preset
 * subscribes to) a preset whose `event` a user overrode, with a standard name or a custom one TikTok would discard.
 */
export const mappingOverride = fc.constantFrom<string | undefined>(
  undefined,
  undefined,
  'MyCustomEvent',
  'completepayment',
  '',
  ...STANDARD_WEB_EVENTS.slice(0, 4)
)

export function mappingFor(name: unknown, override: string | undefined): JSONObject {
  if (typeof name === 'string' && EVENT_NAMES.includes(name)) return presetMapping(name)
  const mapping = presetMapping('purchase')
  return override === undefined ? mapping : { ...mapping, event: override }
}

export interface Case {
  event: CommandersActEvent
  /** Only for an event whose name has no preset: what the user set the `event` field to (see mappingFor). */
  override: string | undefined
}

// Cases hold the choice of mapping, not the mapping: failures then print (and shrink) the event alone.
export const singleCase: fc.Arbitrary<Case> = fc.record({ event: anyEvent, override: mappingOverride })

/** A batch as the CDP sends one: the events of one subscription (one preset), whatever each one carries. */
export const batchCase: fc.Arbitrary<{ events: CommandersActEvent[]; preset: string }> = fc.record({
  events: fc.array(anyEvent, { minLength: 1, maxLength: 8 }),
  preset: fc.constantFrom(...EVENT_NAMES)
})

/** Settings a user could save, token and pixel aside. */
export const settingsExtras: fc.Arbitrary<Partial<Settings>> = fc.record(
  {
    userIdentifier: fc.constantFrom('id', ' id ', 'customer_id', '', 'constructor', '__proto__'),
    userEmailField: fc.constantFrom('email' as const, 'email_md5' as const, 'email_sha256' as const),
    testEventCode: fc.constantFrom('TEST42', '', ' ')
  },
  { requiredKeys: [], noNullPrototype: true }
)

/** Settings that add app, offline and CRM sources (and a phone country) to a user's web settings. */
export const sourceSettingsExtras: fc.Arbitrary<Partial<Settings>> = fc
  .tuple(
    settingsExtras,
    fc.record(
      {
        // Mostly configured, as an advertiser with these sources would have them; sometimes blank.
        appId: fc.constantFrom(DEFAULT_APP_ID, DEFAULT_APP_ID, DEFAULT_APP_ID, ''),
        autodiscoverAppEvents: fc.boolean(),
        offlineEventSetId: fc.constantFrom(DEFAULT_OFFLINE_EVENT_SET_ID, DEFAULT_OFFLINE_EVENT_SET_ID, ' '),
        crmEventSetId: fc.constant(DEFAULT_CRM_EVENT_SET_ID),
        defaultPhoneCountry: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom('FR', 'us') },
          { weight: 1, arbitrary: fc.constant('France') }
        )
      },
      { noNullPrototype: true }
    )
  )
  .map(([web, sources]) => ({ ...web, ...sources }))

// --- Personal data --------------------------------------------------------------------------------------------

// Raw identifiers as sites send them: any case, stray whitespace. None is 64 hex characters, the one form that
// legitimately leaves unchanged (as already hashed upstream).
const spaced = <T extends string>(arb: fc.Arbitrary<T>) =>
  fc
    .tuple(arb, fc.constantFrom('', ' ', '  ', '\t', '\n'), fc.constantFrom('', ' ', '\t '))
    .map(([v, before, after]) => `${before}${v}${after}`)
const anyCase = (arb: fc.Arbitrary<string>) =>
  fc
    .tuple(arb, fc.constantFrom('as is', 'upper', 'lower', 'title'))
    .map(([v, c]) =>
      c === 'upper'
        ? v.toUpperCase()
        : c === 'lower'
          ? v.toLowerCase()
          : c === 'title'
            ? v[0].toUpperCase() + v.slice(1)
            : v
    )

const rawEmail = spaced(anyCase(fc.emailAddress()))
const rawPhone = fc.oneof(
  // French mobiles in the layouts Commanders Act tags produce, and US numbers as TikTok's own example writes them.
  fc
    .stringMatching(/^[0-9]{8}$/)
    .chain((d) =>
      fc.constantFrom(`+336${d}`, `+33 6 ${d.replace(/(..)/g, '$1 ').trim()}`, `00336${d}`, `(+33)6${d}`, `06${d}`)
    ),
  fc.stringMatching(/^[0-9]{4}$/).map((d) => `(+1)213373${d}`)
)
const rawUserId = fc.oneof(
  spaced(anyCase(fc.stringMatching(/^[A-Za-z0-9]{4,20}$/).map((s) => `user_${s}`))),
  fc.integer({ min: 100_000_000, max: 2 ** 31 - 1 })
)
const rawMd5 = fc.stringMatching(/^[0-9a-f]{32}$/)

/** A personal value where it belongs, or wrapped where the schema expects a string. */
const placed = (arb: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: arb },
    { weight: 1, arbitrary: arb.map((v) => [v]) },
    { weight: 1, arbitrary: arb.map((v) => ({ value: v })) }
  )

/** A Commanders Act user full of personal data, in every property the destination reads and some it does not. */
export const personalUser: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      {
        id: placed(rawUserId),
        customer_id: placed(rawUserId),
        email: placed(rawEmail),
        email_md5: placed(rawMd5),
        phone: placed(rawPhone),
        firstname: placed(spaced(fc.stringMatching(/^[A-Z][a-z]{5,12}$/))),
        lastname: placed(spaced(fc.stringMatching(/^[A-Z][a-z]{5,12}$/))),
        zipcode: placed(spaced(fc.stringMatching(/^[0-9]{5,6}$/))),
        // Not a property the destination reads: must not leave either.
        first_name: placed(spaced(fc.stringMatching(/^[A-Z][a-z]{5,12}$/)))
      },
      { requiredKeys: [], noNullPrototype: true }
    ),
    fc.option(rawEmail, { nil: undefined })
  )
  .map(([user, hidden]) =>
    // An email under a real own `__proto__` key: readable only by code that walks own keys blindly.
    hidden === undefined
      ? user
      : { ...(JSON.parse(`{"__proto__":{"email":${JSON.stringify(hidden)}}}`) as object), ...user }
  )

export interface PrivacyCase {
  event: CommandersActEvent
  user: Record<string, unknown>
}

/** Any generated event, with the personal user put where its layout carries the user. */
export const privacyCase: fc.Arbitrary<PrivacyCase> = fc.oneof(
  fc.tuple(pageLayoutEvent, personalUser).map(([e, user]) => {
    const properties = e.properties !== null && typeof e.properties === 'object' ? e.properties : {}
    return { event: { ...e, properties: { ...properties, user } }, user }
  }),
  fc.tuple(currentLayoutEvent, personalUser).map(([e, user]) => ({ event: { ...e, user }, user }))
)

/** An access token shaped like TikTok's: long enough that no coincidence can put it anywhere. */
export const accessToken = fc.stringMatching(/^[a-f0-9]{40}$/).map((t) => `tok${t}`)

// --- TikTok's answers -----------------------------------------------------------------------------------------

export type Answer =
  | { kind: 'reply'; status: number; body: string; contentType?: string }
  | { kind: 'network'; code: string; message: string }

const JSON_TYPE = 'application/json'
const OK_BODY = JSON.stringify({ code: 0, message: 'OK', request_id: 'req-ok', data: {} })

/** A 40002 message as TikTok writes them, naming items by index (in range or not), or naming none. */
const blameMessage = fc.oneof(
  fc
    .array(fc.integer({ min: -2, max: 12 }), { minLength: 1, maxLength: 4 })
    .chain((indexes) =>
      fc
        .constantFrom('Batch', 'data', 'batch', 'DATA')
        .map((label) => indexes.map((i) => `${label}.${i}.properties.currency: Invalid currency`).join('; '))
    ),
  fc.constantFrom('pixel_code: invalid', 'Batch..event: x', 'data.99999999999999999999.event: x', ''),
  anyString
)

const tiktokCode = fc.constantFrom(0, 40001, 40002, 40002, 40002, 40100, 40105, 41000, 50000, 50002, -1, 0.5)

/** Everything TikTok, its gateway or the network has been seen to answer, and some that it should never. */
export const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Answer>({ kind: 'reply', status: 200, body: OK_BODY, contentType: JSON_TYPE }) },
  {
    weight: 6,
    arbitrary: fc
      .record({ code: tiktokCode, message: fc.option(blameMessage, { nil: undefined }) })
      .map(({ code, message }): Answer => ({
        kind: 'reply',
        status: 200,
        body: JSON.stringify({ code, message, request_id: 'req-fault' }),
        contentType: JSON_TYPE
      }))
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reply' as const),
      status: fc.constantFrom(201, 202, 204, 301, 304, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504, 599),
      body: fc.oneof(
        fc.constant(OK_BODY),
        fc.constant('<html><body><h1>502 Bad Gateway</h1></body></html>'),
        fc.constantFrom('', 'null', '[]', '"OK"', '{"code":"0"}', '{"code":null}', '{"code":0', '{}'),
        blameMessage.map((message) => JSON.stringify({ code: 40002, message }))
      ),
      contentType: fc.constantFrom('application/json', 'text/html', 'text/plain', undefined)
    })
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('network' as const),
      code: fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE'),
      message: fc.constantFrom('socket hang up', 'read ECONNRESET', 'connect ETIMEDOUT')
    })
  }
)
