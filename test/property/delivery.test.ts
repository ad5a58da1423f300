import fc from 'fast-check'
import nock from 'nock'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { batchPath, EVENT_TRACK, presetMapping, settings, trackPath, type Format } from '../helpers'
import { batchCase, mappingFor, sourceSettingsExtras as settingsExtras, singleCase, type Case } from './arbitraries'
import {
  bodyItems,
  describeError,
  isNamedRefusal,
  namesField,
  placeholders,
  sendBatch,
  sendSingle,
  type SentRequest,
  FORMATS,
  NUM_RUNS
} from './harness'

// Properties 1, 2 and 4 of "Hostile input, faults and privacy": whatever a Commanders Act event carries, the
// destination either sends exactly one body TikTok (the emulator's validators) accepts, free of placeholders, or
// refuses the event with a validation error naming the field; never anything else, and in a batch never loses one.

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => nock.enableNetConnect())

const withFormat = (extras: Partial<Settings>, format: Format) => settings({ ...extras, apiFormat: format })

/**
 * Where a request must go: web events of the pixel format to the pixel path, every other event (web in Events API
 * 2.0, app, offline, CRM) to /event/track/ with its source in the envelope.
 */
function expectedPath(request: SentRequest, format: Format, pixelPath: string): string {
  const source = (request.body as { event_source?: string }).event_source
  if (source === undefined) return format === 'pixel' ? pixelPath : '(a pixel body in the events_2_0 format)'
  return source === 'web' && format === 'pixel' ? '(a web event in Events API 2.0 in the pixel format)' : EVENT_TRACK
}

/** The request's destination: its format, source and source id. */
function routeOf(request: SentRequest): string {
  const b = request.body as { event_source?: string; event_source_id?: string; pixel_code?: string }
  return b.event_source === undefined ? `pixel ${b.pixel_code}` : `${b.event_source} ${b.event_source_id}`
}

/** Everything a sent request must be, whichever path sent it. */
function expectCleanRequest(request: SentRequest, expectedPath: string) {
  expect(request.path).toBe(expectedPath)
  // Property 4: a body the emulator rejects is a hole in build-event.ts's pre-send checks.
  expect(request.rejection).toBeUndefined()
  // Property 2: no placeholder TikTok would read as a wrong value.
  expect(placeholders(request.body)).toEqual([])
}

/** Nothing in the run wrote onto Object.prototype through a `__proto__` or `constructor.prototype` key. */
function expectNoPrototypePollution() {
  expect(Object.keys(Object.prototype)).toEqual([])
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
}

// Counterexamples these properties found, replayed on every run (fast-check `examples`) so the fixes stay proven.
const FOUND: CommandersActEvent[] = [
  // Before 1970: the pixel format sent year -1 as ISO, Events API 2.0 an event_time of 0 or less.
  { event_name: 'purchase', event_timestamp: '-000001-12-31T23:59:59.999Z' },
  { event_name: 'purchase', event_timestamp: 0.4 },
  // A null context (or context.personas) crashed the framework's audience lookup, and with it a whole batch.
  { event_name: 'purchase', context: null },
  { event_name: 'purchase', context: { personas: null, event_id: 'evt-1' } }
] as CommandersActEvent[]

describe.each(FORMATS)('generated events, %s format', (format) => {
  it('one event: exactly one request TikTok accepts, or a refusal naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(singleCase, settingsExtras, async ({ event, override }, extras) => {
        const run = await sendSingle(event, mappingFor(event.event_name, override), withFormat(extras, format))
        expectNoPrototypePollution()
        if (run.error !== undefined) {
          // Property 1: only the framework's schema error or our PayloadValidationError, and only before sending.
          if (!isNamedRefusal(run.error)) throw new Error(`unexpected failure: ${describeError(run.error)}`)
          expect(run.requests).toEqual([])
          return
        }
        expect(run.requests).toHaveLength(1)
        expectCleanRequest(run.requests[0], expectedPath(run.requests[0], format, trackPath(format)))
      }),
      {
        numRuns: NUM_RUNS,
        verbose: fc.VerbosityLevel.Verbose,
        examples: FOUND.map((event): [Case, Partial<Settings>] => [{ event, override: undefined }, {}])
      }
    )
  })

  it('a batch: one result per event; the delivered ones, in order, in requests of batch_size that TikTok accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        batchCase,
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        settingsExtras,
        async ({ events, preset }, size, extras) => {
          const mapping = size === undefined ? presetMapping(preset) : { ...presetMapping(preset), batch_size: size }
          const run = await sendBatch(events, mapping, withFormat(extras, format))
          expectNoPrototypePollution()
          if (run.error !== undefined) throw new Error(`the batch failed as a whole: ${describeError(run.error)}`)
          const results = run.result ?? []

          // Every event gets exactly one result: no holes, none missing, none extra.
          expect(results).toHaveLength(events.length)
          const delivered: unknown[] = []
          events.forEach((_, i) => {
            const result = results[i]
            if (result === undefined) throw new Error(`event ${i} has no result`)
            if (result.status === 200) return delivered.push(result.sent)
            expect(result).toMatchObject({ status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED' })
            if (!namesField(result.errormessage)) throw new Error(`event ${i}: unnamed refusal: ${result.errormessage}`)
          })

          // The delivered events, each in one request; per destination (format, source, source id) in as few
          // requests as batch_size (default 50) allows: every request full but the last; none for none.
          const perRoute = new Map<string, number[]>()
          for (const request of run.requests) {
            expectCleanRequest(request, expectedPath(request, format, batchPath(format)))
            const sizes = perRoute.get(routeOf(request)) ?? []
            perRoute.set(routeOf(request), [...sizes, bodyItems(request.body).length])
          }
          for (const sizes of perRoute.values()) {
            for (const n of sizes.slice(0, -1)) expect(n).toBe(size ?? 50)
            expect(sizes[sizes.length - 1]).toBeLessThanOrEqual(size ?? 50)
          }
          // Compared as JSON, which is what went out: a result's `sent` may hold -0 where the wire says 0.
          const asJson = (items: unknown[]) => items.map((item) => JSON.stringify(item)).sort()
          expect(asJson(run.requests.flatMap((r) => bodyItems(r.body)))).toEqual(asJson(delivered))
        }
      ),
      {
        numRuns: NUM_RUNS,
        verbose: fc.VerbosityLevel.Verbose,
        examples: [[{ events: [...FOUND, { event_name: 'purchase' }], preset: 'purchase' }, undefined, {}]]
      }
    )
  })

  it('a batch decides each event as a single send would: delivered or refused alike', async () => {
    await fc.assert(
      fc.asyncProperty(batchCase, settingsExtras, async ({ events, preset }, extras) => {
        const s = withFormat(extras, format)
        const batch = await sendBatch(events, presetMapping(preset), s)
        const results = batch.result ?? []
        for (const [i, event] of events.entries()) {
          const single = await sendSingle(event, presetMapping(preset), s)
          const singleOutcome = single.error === undefined ? 'delivered' : describeError(single.error)
          const batchOutcome = results[i]?.status === 200 ? 'delivered' : String(results[i]?.errormessage)
          if ((singleOutcome === 'delivered') !== (batchOutcome === 'delivered')) {
            throw new Error(`event ${i}: alone ${singleOutcome}; in a batch ${batchOutcome}`)
          }
        }
      }),
      // Each run sends every event twice: fewer runs keep it in budget, the batch property covers the rest.
      { numRuns: Math.ceil(NUM_RUNS / 3), verbose: fc.VerbosityLevel.Verbose }
    )
  })
})
