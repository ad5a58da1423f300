import fc from 'fast-check'
import nock from 'nock'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { toE164 } from '../../src/destinations/tiktok-commanders/hashing'
import { PIXEL, presetMapping, type Format } from '../helpers'
import {
  accessToken,
  mappingFor,
  privacyCase,
  sourceSettingsExtras as settingsExtras,
  EVENT_NAMES
} from './arbitraries'
import { sendBatch, sendSingle, strings, valuesOf, type Run, type SentRequest, FORMATS, NUM_RUNS } from './harness'

// Property 3 of "Hostile input, faults and privacy": personal data leaves only as SHA-256 hex, and the access token
// only in the Access-Token header. Whatever the event carries and however it ends (sent, refused, partly refused),
// neither appears in a body, a URL, an error, a batch result or a log line.

const HASHED_KEYS = [
  'external_id',
  'email',
  'phone_number',
  'phone',
  'first_name',
  'last_name',
  'zip_code',
  'idfa',
  'gaid'
]
const SHA256_LOWER_HEX = /^[0-9a-f]{64}$/
// Shorter values could turn up by coincidence (a 5-digit run inside a hash); every generated one is longer.
const MIN_SECRET_LENGTH = 6

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => nock.enableNetConnect())

/** Every form of the user's personal values that must never leave: raw, trimmed, lower-cased, E.164. */
function secretsOf(user: Record<string, unknown>): string[] {
  const forms = new Set<string>()
  // Own keys only, `__proto__` included: strings() walks Object.entries, which lists it when it is an own key.
  for (const raw of strings(user)) {
    const trimmed = raw.trim()
    for (const form of [raw, trimmed, trimmed.toLowerCase(), toE164(trimmed)]) {
      if (form !== undefined && form.length >= MIN_SECRET_LENGTH) forms.add(form)
    }
  }
  // Property names of the user object are not secrets.
  for (const key of Object.keys(user)) forms.delete(key)
  return [...forms]
}

/** `[where, text]` for everything a run let out of the process, except the Access-Token header. */
function everythingOut(run: Run<unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = []
  run.requests.forEach((r, i) => {
    out.push([`request ${i} URL`, r.url])
    for (const s of bodyStrings(r.body)) out.push([`request ${i} body`, s])
    for (const [name, value] of Object.entries(r.headers)) {
      if (name !== 'access-token') out.push([`request ${i} header ${name}`, String(value)])
    }
  })
  if (run.error !== undefined) {
    const e = run.error as Error
    out.push(['error message', String(e.message)], ['error', String(e)])
  }
  // Batch results: error messages, and the `sent` copies and TikTok replies they carry.
  if (run.result !== undefined) out.push(['result', JSON.stringify(run.result)])
  for (const line of run.logged) out.push(['log', line])
  return out
}

/** The strings of a body, keys included; numbers are left out (an event_time is not an identifier). */
function bodyStrings(body: unknown): string[] {
  if (typeof body === 'string') return [body]
  if (Array.isArray(body)) return body.flatMap(bodyStrings)
  if (body !== null && typeof body === 'object') return Object.entries(body).flatMap(([k, v]) => [k, ...bodyStrings(v)])
  return []
}

function expectPrivate(run: Run<unknown>, secrets: string[], token: string) {
  if (run.error !== undefined && !(run.error instanceof Error)) throw new Error('a non-Error was thrown')
  for (const [where, text] of everythingOut(run)) {
    if (text.includes(token)) throw new Error(`the access token leaked in ${where}`)
    const leaked = secrets.find((s) => text.includes(s))
    if (leaked !== undefined) throw new Error(`personal value ${JSON.stringify(leaked)} leaked in ${where}`)
  }
  run.requests.forEach((request: SentRequest, i) => {
    expect(request.headers['access-token']).toBe(token)
    for (const key of HASHED_KEYS) {
      for (const [path, value] of valuesOf(request.body, key)) {
        if (typeof value !== 'string' || !SHA256_LOWER_HEX.test(value)) {
          throw new Error(`request ${i} ${path} is not lowercase SHA-256 hex: ${JSON.stringify(value)}`)
        }
      }
    }
  })
}

const settingsFor = (extras: Partial<Settings>, token: string, format: Format): Settings => ({
  ...extras,
  accessToken: token,
  pixelCode: PIXEL,
  apiFormat: format
})

describe.each(FORMATS)('personal data and the token, %s format', (format) => {
  it('one event: hashed identifiers only, the token only in its header', async () => {
    await fc.assert(
      fc.asyncProperty(
        privacyCase,
        fc.constantFrom<string | undefined>(undefined, 'MyCustomEvent'),
        settingsExtras,
        accessToken,
        async ({ event, user }, override, extras, token) => {
          const run = await sendSingle(
            event,
            mappingFor(event.event_name, override),
            settingsFor(extras, token, format)
          )
          expectPrivate(run, secretsOf(user), token)
        }
      ),
      { numRuns: NUM_RUNS, verbose: fc.VerbosityLevel.Verbose }
    )
  })

  it('a batch: hashed identifiers only in bodies and per-event results, the token only in its header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(privacyCase, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...EVENT_NAMES),
        settingsExtras,
        accessToken,
        async (cases, preset, extras, token) => {
          const events = cases.map((c) => c.event)
          const run = await sendBatch(events, presetMapping(preset), settingsFor(extras, token, format))
          expectPrivate(
            run,
            cases.flatMap((c) => secretsOf(c.user)),
            token
          )
        }
      ),
      { numRuns: NUM_RUNS, verbose: fc.VerbosityLevel.Verbose }
    )
  })
})
