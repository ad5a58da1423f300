import nock from 'nock'
import type { JSONObject, Logger, SegmentEvent } from '@segment/actions-core'
import { PayloadValidationError } from '@segment/actions-core'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { fields } from '../../src/destinations/tiktok-commanders/reportWebEvent/fields'
import { settingsFields } from '../../src/destinations/tiktok-commanders/settings'
import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { validateEvents2, validatePixelBatch, validatePixelTrack, type TikTokReply } from '../../src/emulator'
import { frameworkEvent, testDestination, TIKTOK, type Format } from '../helpers'
import type { Answer } from './arbitraries'

// Runs one generated case through the framework harness against a TikTok that answers exactly as the emulator's
// validators would, and records everything that left the process. All state lives in the returned value and nock
// is cleaned at the end of every run, so a run never sees another's requests and shrinking replays faithfully.

export interface SentRequest {
  path: string
  url: string
  body: unknown
  headers: Record<string, string>
  /** What the emulator's validator said about the body: undefined when TikTok would accept it. */
  rejection?: TikTokReply
  /** The scripted answer this request got instead of the emulator's, if any. */
  scripted?: Answer
}

export interface Run<T> {
  requests: SentRequest[]
  result?: T
  error?: unknown
  /** Every argument ever passed to the logger given to the framework. */
  logged: string[]
}

const VALIDATORS: Record<string, (body: unknown, now: number) => TikTokReply | undefined> = {
  [PATHS.pixelTrack]: validatePixelTrack,
  [PATHS.pixelBatch]: validatePixelBatch,
  [PATHS.eventTrack]: validateEvents2
}

function collectingLogger(sink: string[]): Logger {
  const record = (...message: unknown[]) => {
    for (const m of message) sink.push(typeof m === 'string' ? m : safeStringify(m))
  }
  return {
    level: 'debug',
    name: 'property-test',
    debug: record,
    info: record,
    warn: record,
    error: record,
    crit: record,
    log: record,
    withTags: record
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

async function capture<T>(send: (logger: Logger) => Promise<T>, answers: Answer[] = []): Promise<Run<T>> {
  const requests: SentRequest[] = []
  const logged: string[] = []
  const record = (uri: string, body: unknown, headers: Record<string, string>, scripted?: Answer) => {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body
    const validate = VALIDATORS[uri]
    const rejection = validate ? validate(parsed, Date.now()) : { code: 40400, message: `no such path ${uri}` }
    requests.push({ path: uri, url: TIKTOK + uri, body: parsed, headers: { ...headers }, rejection, scripted })
    return rejection
  }
  // Scripted answers first, one request each, in order (nock consumes non-persisted interceptors as they match).
  for (const answer of answers) {
    if (answer.kind === 'network') {
      // replyWithError never sees the request, so the path and body are taken from the matchers.
      let path = ''
      nock(TIKTOK)
        .post(
          (uri) => {
            path = uri
            return true
          },
          (body) => {
            record(path, body, {}, answer)
            return true
          }
        )
        .replyWithError(Object.assign(new Error(answer.message), { code: answer.code }))
    } else {
      nock(TIKTOK)
        .post(/.*/)
        .reply(function (uri, body) {
          record(uri, body, this.req.headers, answer)
          const headers: Record<string, string> = answer.contentType ? { 'content-type': answer.contentType } : {}
          return [answer.status, answer.body, headers]
        })
    }
  }
  // Then TikTok itself, as strict as the emulator's validators.
  nock(TIKTOK)
    .post(/.*/)
    .reply(function (uri, body) {
      const rejection = record(uri, body, this.req.headers)
      const reply = rejection ?? { code: 0, message: 'OK', request_id: 'req-property', data: {} }
      return [200, JSON.stringify(reply), { 'content-type': 'application/json' }]
    })
    .persist()
  try {
    const result = await send(collectingLogger(logged))
    return { requests, result, logged }
  } catch (error) {
    return { requests, error, logged }
  } finally {
    nock.cleanAll()
  }
}

export function sendSingle(event: CommandersActEvent, mapping: JSONObject, settings: Settings, answers?: Answer[]) {
  return capture(async (logger) => {
    const destination = testDestination()
    const responses = await destination.testAction('reportWebEvent', {
      event: frameworkEvent(event),
      mapping,
      settings,
      logger
    })
    // TikTok's replies as the action read them; the raw responses also hold the request and its headers.
    return responses.map((r) => r.data)
  }, answers)
}

export interface BatchResult {
  status: number
  errortype?: string
  errormessage?: string
  sent?: unknown
  body?: unknown
}

export function sendBatch(events: CommandersActEvent[], mapping: JSONObject, settings: Settings, answers?: Answer[]) {
  return capture(async (logger) => {
    const destination = testDestination()
    await destination.testBatchAction('reportWebEvent', {
      // The harness types these as full Segment events, but fills in whatever a partial one lacks, as for testAction.
      events: events.map((e) => frameworkEvent(e) as SegmentEvent),
      mapping,
      settings,
      logger
    })
    return (destination.results[0]?.multistatus ?? []) as BatchResult[]
  }, answers)
}

// --- What counts as a clean refusal ---------------------------------------------------------------------------

const FIELD_NAMES = Object.keys(fields)
// PayloadValidationErrors of build-event.ts open with the field path: `currency: ...`, `contents.2.price: ...`,
// `app.app_id: ...`.
// A setting that makes every event unsendable (a Default Phone Country that is no country) is named by its label.
const SETTING_LABELS = Object.values(settingsFields).map((setting) => setting.label)
const PVE_NAMES_FIELD = new RegExp(`^((${FIELD_NAMES.join('|')})(\\.[A-Za-z0-9_]+)*|${SETTING_LABELS.join('|')}): `)

// actions-core's schema errors open each sentence with the field's label (`Quantity must be a number but it was a
// string.`), or its JSON pointer when it has none, or name a missing required field in quotes.
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const FIELD_LABELS = Object.values(fields).flatMap((field) => [
  field.label,
  ...Object.values(field.properties ?? {}).map((property) => property.label)
])
const AJV_SENTENCE = new RegExp(
  `^(${FIELD_LABELS.map(escape).join('|')} |The value at /(${FIELD_NAMES.join('|')})\\b|` +
    `The root value is missing the required field '(${FIELD_NAMES.join('|')})')`
)
const ajvNamesField = (message: string) =>
  message.length > 0 && message.split(/(?<=\.) (?=[A-Z])/).every((sentence) => AJV_SENTENCE.test(sentence))

/** True when the error is one the destination or the framework raises on purpose, naming the field at fault. */
export function isNamedRefusal(error: unknown): boolean {
  if (error instanceof PayloadValidationError) return PVE_NAMES_FIELD.test(error.message)
  if (error instanceof Error && error.name === 'AggregateAjvError') return ajvNamesField(error.message)
  return false
}

/** The same judgement for a batch result's message: the framework's schema errors or our PayloadValidationErrors. */
export function namesField(message: string | undefined): boolean {
  return message !== undefined && (PVE_NAMES_FIELD.test(message) || ajvNamesField(message))
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name} (${error.name}): ${error.message.slice(0, 300)}`
  return `non-error thrown: ${safeStringify(error)}`
}

// --- Walking bodies -------------------------------------------------------------------------------------------

/** Every placeholder TikTok reads as a wrong value, with its path: null, NaN, ±Infinity, '', {} and []. */
export function placeholders(value: unknown, path = '$'): string[] {
  if (value === null) return [`${path}: null`]
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}: ${value}`]
  if (value === '') return [`${path}: ''`]
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${path}: []`]
    return value.flatMap((v, i) => placeholders(v, `${path}[${i}]`))
  }
  if (typeof value === 'object' && value !== undefined) {
    const entries = Object.entries(value)
    if (entries.length === 0) return [`${path}: {}`]
    return entries.flatMap(([k, v]) => placeholders(v, `${path}.${k}`))
  }
  return []
}

/** Every string in a value, keys included. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
  }
  return []
}

/** `[key path, value]` for every key of that name anywhere in a value. */
export function valuesOf(value: unknown, key: string, path = '$'): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => valuesOf(v, key, `${path}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k === key ? [[`${path}.${k}`, v] as [string, unknown]] : []),
    ...valuesOf(v, key, `${path}.${k}`)
  ])
}

/** The items of a body in either format: the single pixel body itself, or its `batch` / `data` list. */
export function bodyItems(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object') return []
  const b = body as Record<string, unknown>
  if (Array.isArray(b.batch)) return b.batch
  if (Array.isArray(b.data)) return b.data
  return [b]
}

// 150 keeps the suite within its time budget on a 2-core machine; PROPERTY_RUNS=5000 for a deeper hunt.
export const NUM_RUNS = Number(process.env.PROPERTY_RUNS) || 150
export const FORMATS: Format[] = ['pixel', 'events_2_0']
