import fc from 'fast-check'
import nock from 'nock'
import { ErrorCodes, IntegrationError, InvalidAuthenticationError, RetryableError } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { batchPath, presetMapping, settings, trackPath, type Format } from '../helpers'
import {
  answer,
  EVENT_NAMES,
  mappingFor,
  mappingOverride,
  mostlySentEvent,
  settingsExtras,
  type Answer
} from './arbitraries'
import {
  bodyItems,
  describeError,
  isNamedRefusal,
  sendBatch,
  sendSingle,
  type SentRequest,
  FORMATS,
  NUM_RUNS
} from './harness'

// The "faults" of "Hostile input, faults and privacy": whatever TikTok, its gateway or the network answers (error
// codes, blame messages naming items that do not exist, HTML, empty or truncated bodies, odd statuses, resets), an
// event ends as delivered only when TikTok said so, or as an actions-core error the CDP knows how to handle; in a
// batch every event still gets exactly one result, and resends only ever drop events.

// deliver.ts resends a batch at most this many times in all (MAX_ROUNDS).
const MAX_REQUESTS_PER_CHUNK = 3
const ERROR_TYPES: ReadonlySet<string> = new Set(Object.values(ErrorCodes))

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => nock.enableNetConnect())

const withFormat = (extras: Partial<Settings>, format: Format) => settings({ ...extras, apiFormat: format })

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The emulator's own answers, and a scripted JSON "200 {code: 0}": what every client must read as delivered. */
function plainlyOk(request: SentRequest): boolean {
  const a = request.scripted
  if (a === undefined) return request.rejection === undefined
  return a.kind === 'reply' && a.status === 200 && a.contentType === 'application/json' && saysOk(a)
}

/** Anything a lenient client could read as delivered: a 2xx whose JSON body says code 0. */
function couldBeOk(request: SentRequest): boolean {
  const a = request.scripted
  if (a === undefined) return request.rejection === undefined
  return a.kind === 'reply' && a.status >= 200 && a.status < 300 && saysOk(a)
}

function saysOk(a: Extract<Answer, { kind: 'reply' }>): boolean {
  const body = parse(a.body)
  return body !== null && typeof body === 'object' && (body as { code?: unknown }).code === 0
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe.each(FORMATS)('TikTok faults, %s format', (format) => {
  it('one event: delivered only when TikTok said so, else a retryable, auth or integration error', async () => {
    await fc.assert(
      fc.asyncProperty(
        mostlySentEvent,
        mappingOverride,
        answer,
        settingsExtras,
        async (event, override, tiktokAnswer, extras) => {
          const run = await sendSingle(event, mappingFor(event.event_name, override), withFormat(extras, format), [
            tiktokAnswer
          ])
          if (run.requests.length === 0) {
            // Refused before sending: the answer never mattered.
            if (!isNamedRefusal(run.error)) throw new Error(`unexpected failure: ${describeError(run.error)}`)
            return
          }
          // Nothing retries a single event inside the destination: the CDP owns retries.
          expect(run.requests).toHaveLength(1)
          const [request] = run.requests
          expect(request.path).toBe(trackPath(format))
          expect(request.rejection).toBeUndefined()
          if (run.error === undefined) {
            if (!couldBeOk(request))
              throw new Error(`delivered although TikTok answered ${JSON.stringify(tiktokAnswer)}`)
            return
          }
          if (plainlyOk(request)) throw new Error(`refused a plain success: ${describeError(run.error)}`)
          const known =
            run.error instanceof RetryableError ||
            run.error instanceof InvalidAuthenticationError ||
            run.error instanceof IntegrationError
          if (!known) throw new Error(`unexpected failure: ${describeError(run.error)}`)
          // A status below 400 on an error would read as a success to whatever consumes it.
          expect((run.error as { status?: number }).status).toBeGreaterThanOrEqual(400)
        }
      ),
      {
        numRuns: NUM_RUNS,
        verbose: fc.VerbosityLevel.Verbose,
        // Found by this property: a 3xx became an error carrying status 304.
        examples: [[{ event_name: 'purchase' }, undefined, { kind: 'reply', status: 304, body: '' }, {}]]
      }
    )
  })

  it('a batch: one result per event whatever TikTok answers; resends only drop events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(mostlySentEvent, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...EVENT_NAMES),
        fc.array(answer, { maxLength: MAX_REQUESTS_PER_CHUNK }),
        settingsExtras,
        async (events, preset, answers, extras) => {
          const run = await sendBatch(events, presetMapping(preset), withFormat(extras, format), answers)
          if (run.error !== undefined) throw new Error(`the batch failed as a whole: ${describeError(run.error)}`)
          const results = run.result ?? []
          expect(results).toHaveLength(events.length)
          const delivered: unknown[] = []
          events.forEach((_, i) => {
            const result = results[i]
            if (result === undefined) throw new Error(`event ${i} has no result`)
            if (result.status === 200) return delivered.push(result.sent)
            expect(result.status).toBeGreaterThanOrEqual(400)
            if (!ERROR_TYPES.has(result.errortype ?? '')) throw new Error(`event ${i}: errortype ${result.errortype}`)
            expect(typeof result.errormessage).toBe('string')
            expect(result.errormessage).not.toBe('')
          })

          // Each resend carries a strict sub-list of the previous request's events, and never more than 3 requests.
          expect(run.requests.length).toBeLessThanOrEqual(MAX_REQUESTS_PER_CHUNK)
          run.requests.forEach((request, i) => {
            expect(request.path).toBe(batchPath(format))
            expect(request.rejection).toBeUndefined()
            if (i === 0) return
            const before = bodyItems(run.requests[i - 1].body)
            const now = bodyItems(request.body)
            expect(now.length).toBeLessThan(before.length)
            let from = 0
            for (const item of now) {
              const at = before.findIndex((b, j) => j >= from && JSON.stringify(b) === JSON.stringify(item))
              if (at === -1) throw new Error(`request ${i} carries an event request ${i - 1} did not`)
              from = at + 1
            }
          })

          // Delivered means: the last request's events, when TikTok accepted that request.
          const last = run.requests.at(-1)
          if (delivered.length > 0) {
            if (last === undefined || !couldBeOk(last)) throw new Error('events marked delivered that TikTok refused')
            expect(bodyItems(last.body)).toEqual(asJson(delivered))
          } else if (last !== undefined && plainlyOk(last)) {
            throw new Error('TikTok accepted the last request, yet no event is marked delivered')
          }
        }
      ),
      {
        numRuns: NUM_RUNS,
        verbose: fc.VerbosityLevel.Verbose,
        // Found by this property: a 3xx became a batch result with status 301.
        examples: [[[{ event_name: 'purchase' }], 'purchase', [{ kind: 'reply', status: 301, body: '' }], {}]]
      }
    )
  })
})
