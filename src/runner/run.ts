import type { JSONObject } from '@segment/actions-core'
import { statSync } from 'fs'
import path from 'path'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { TIKTOK_BASE_URL } from '../destinations/tiktok-commanders/tiktok/constants'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import { Journal } from './journal'
import { RateLimiter, TIKTOK_MAX_RPS } from './rate'
import { InputError, readEvents, type InputSource } from './read-events'
import { createRouter, MAX_EVENT_BYTES, type Prepared } from './route'
import { createDryRun, createSender, MAX_BATCH_BYTES } from './send'
import { Settler, type EventOutcome, type Progress, type RunSummary } from './settle'
import { presetSubscriptions, type RunnerSubscription } from './subscriptions'

// Replays Commanders Act events through the real framework runtime, as a pipeline of streams:
// read (read-events.ts) -> route (route.ts) -> send, bounded in flight (send.ts) -> settle: counters, failed-events
// file, journal (settle.ts, journal.ts). Memory holds the events in flight, never the input or the outcomes.

export interface ReplayOptions {
  settings: Settings
  endpoint?: Endpoint
  /** Default: the destination's presets. */
  subscriptions?: RunnerSubscription[]
  /** performBatch (default) or one request per event. */
  batching?: boolean
  /** Events a request (default 50, at most 1,000). */
  batchSize?: number
  /** Requests in flight at once (default 4). */
  concurrency?: number
  /** Further attempts after the first for a retryable failure (default 5). */
  maxRetries?: number
  /** First back-off delay (default 500 ms); it doubles on each retry, with jitter, up to maxBackoffMs (30 s). */
  backoffMs?: number
  maxBackoffMs?: number
  /** Requests a second at most (default 1,000, TikTok's limit per token); halved on each rate-limit answer. */
  maxRps?: number
  /** Consent categories an event must hold to be sent; the others are counted as not sent. */
  requireConsent?: string[]
  /** Build every TikTok body, send nothing (no files written). */
  dryRun?: boolean
  /** Called with each body a dry run builds. */
  onDryRunBody?: (body: JSONObject) => void
  /** Where refused events go, replayable by `send`; none when absent. Created 0600. */
  failedOut?: string
  /** The journal `resume` reads; none when absent. */
  journal?: string
  /** Skip what the journal says is settled, and add to the failed-events file. */
  resume?: boolean
  /** How often the journal and the failed-events file are made durable (default 1 s). */
  checkpointMs?: number
  /** Aborting stops reading; what is in flight finishes, the rest settles as not sent, and the summary returns. */
  signal?: AbortSignal
  /** Throttled to one call per `progressMs` (default 100 ms), plus a last one. */
  onProgress?: (progress: Progress) => void
  progressMs?: number
  /** Each event's outcome as it settles (nothing keeps them otherwise). */
  onSettled?: (outcome: EventOutcome) => void
  maxEventBytes?: number
  maxBatchBytes?: number
}

export type { EventOutcome, Progress, RunSummary }

/** Replays an input (a file path, `-` for stdin, or a stream) and returns the summary; rejects only on a usage error. */
export async function replay(input: InputSource, options: ReplayOptions): Promise<RunSummary> {
  const dryRun = !!options.dryRun
  const file = typeof input === 'string' && input !== '-' ? path.resolve(input) : undefined
  const bytesTotal = file ? statSync(file).size : undefined
  const failedOut = options.failedOut ? path.resolve(options.failedOut) : undefined
  const settler = new Settler({
    dryRun,
    failedOut,
    append: options.resume,
    replacesInput: !!file && !!failedOut && sameFile(file, failedOut),
    journal:
      options.journal && !dryRun
        ? (beforeCheckpoint) =>
            Journal.open(
              options.journal as string,
              { name: file ?? '(stream)', bytes: bytesTotal },
              {
                resume: !!options.resume,
                checkpointMs: options.checkpointMs,
                beforeCheckpoint
              }
            )
        : undefined,
    onSettled: options.onSettled,
    onProgress: options.onProgress,
    progressMs: options.progressMs
  })
  settler.bytesTotal = bytesTotal

  const stop = new AbortController()
  const halt = (reason: string) => {
    if (stop.signal.aborted) return
    settler.stopped = reason
    stop.abort(reason)
  }
  const onAbort = () => halt(String(options.signal?.reason ?? 'interrupted'))
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener('abort', onAbort)

  const settle = (outcomes: EventOutcome[]) => settler.settle(outcomes)
  const sender = dryRun
    ? createDryRun(settle, options.onDryRunBody ?? (() => {}))
    : createSender({
        settings: options.settings,
        endpoint: options.endpoint ?? { baseUrl: TIKTOK_BASE_URL },
        batching: options.batching ?? true,
        batchSize: options.batchSize,
        maxBatchBytes: options.maxBatchBytes ?? MAX_BATCH_BYTES,
        concurrency: options.concurrency ?? 4,
        maxRetries: options.maxRetries ?? 5,
        backoffMs: options.backoffMs ?? 500,
        maxBackoffMs: options.maxBackoffMs ?? 30_000,
        rate: new RateLimiter(options.maxRps ?? TIKTOK_MAX_RPS),
        stop: stop.signal,
        // A refused token or pixel refuses every event after it: sending them all would only repeat the refusal.
        onFatal: (reason) => halt(`stopped early: ${reason}`),
        settle,
        countRequests: (n) => (settler.requests += n)
      })
  const router = createRouter({
    settings: options.settings,
    subscriptions: options.subscriptions ?? presetSubscriptions(),
    requireConsent: options.requireConsent,
    maxEventBytes: options.maxEventBytes ?? MAX_EVENT_BYTES
  })

  // Events are described a few at a time (the mapping is validated once for them, as onBatch does), then sent or
  // settled in their order; those read before the input fails are still described and sent.
  let prepared: Prepared[] = []
  const describePrepared = async () => {
    const chunk = prepared
    prepared = []
    for (const result of await router.describe(chunk)) {
      if ('subscription' in result) await sender.accept(result)
      else settle([result])
    }
  }

  let completed = false
  try {
    const records = readEvents(input, {
      signal: stop.signal,
      onBytes: (bytes) => {
        settler.bytesRead = bytes
      }
    })
    for await (const record of records) {
      settler.read++
      if (settler.isSettled(record.index)) {
        settler.skip(record.index)
        continue
      }
      const result = router.prepare(record)
      if ('subscription' in result) prepared.push(result)
      else settle([result])
      if (prepared.length >= DESCRIBE_CHUNK) await describePrepared()
      if (stop.signal.aborted) break
    }
    completed = !stop.signal.aborted
  } catch (err) {
    if (!(err instanceof InputError)) throw err
    halt(`the input cannot be read further: ${err.message}`)
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await describePrepared()
    await sender.finish()
  }
  return settler.close(completed)
}

/** Events described together: as many as a request usually carries. */
const DESCRIBE_CHUNK = 50

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a)
    const y = statSync(b)
    return x.dev === y.dev && x.ino === y.ino
  } catch {
    return false
  }
}
