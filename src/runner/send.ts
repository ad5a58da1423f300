import { Destination, type JSONObject } from '@segment/actions-core'
import { createDestination } from '../destinations/tiktok-commanders'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { batchSize as boundedBatchSize, type Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import { namingField } from './describe'
import type { RateLimiter } from './rate'
import type { Routed } from './route'
import type { EventOutcome } from './settle'
import type { RunnerSubscription } from './subscriptions'

// The send stage: events are gathered into batches per subscription and sent through the real framework runtime
// (`Destination.onBatch`, or `onEvent` one by one), with a bounded number of requests in flight. A caller that hands
// in events faster than they go out waits in `accept`: that is what keeps memory flat. Retryable failures are
// retried with back-off in the same lane; whatever ends goes to `settle`.

export interface SendOptions {
  settings: Settings
  endpoint: Endpoint
  /** performBatch (default) or one request per event; a mapping with `enable_batching: false` is always one by one. */
  batching: boolean
  batchSize?: number
  /** A batch is cut before its events' text passes this size, so no request nears TikTok's body limit. */
  maxBatchBytes: number
  concurrency: number
  maxRetries: number
  backoffMs: number
  maxBackoffMs: number
  rate: RateLimiter
  /** Aborted: send nothing more; what waits for a batch or a retry settles as not sent. */
  stop: AbortSignal
  /** The token will refuse everything: stop the run. */
  onFatal: (reason: string) => void
  settle: (outcomes: EventOutcome[]) => void
  /** HTTP requests made. */
  countRequests: (n: number) => void
}

export interface Sender {
  accept(routed: Routed): Promise<void>
  /** Sends what is still gathered (or, stopped, settles it as not sent) and waits for everything in flight. */
  finish(): Promise<void>
}

/** 2 MiB of event text a request: TikTok's limit on a body is far above it, a batch of 1,000 real events far below. */
export const MAX_BATCH_BYTES = 2 * 1024 * 1024
/** Events gathered for batches across subscriptions before the largest batch goes out unfilled. */
const MAX_GATHERED = 500

const RETRYABLE = (status: number | undefined) =>
  status !== undefined && (status === 408 || status === 429 || status >= 500)
const RATE_LIMITED = (status: number | undefined) => status === 429
const AUTH_REFUSED = (status: number | undefined, type?: string) =>
  status === 401 || status === 403 || type === 'INVALID_AUTHENTICATION'

interface Result {
  delivered: boolean
  status?: number
  errortype?: string
  reason?: string
  sent?: JSONObject
  /** Whether a request carried it. */
  requested: boolean
}

export function createSender(options: SendOptions): Sender {
  // One Destination per lane: the framework records each answer on its instance, and the count of requests and the
  // body of a single send are read from that record, which lanes running at once must not share.
  const definition = createDestination(options.endpoint)
  const idle: Array<Destination<Settings>> = []
  const batchSize = boundedBatchSize(options.batchSize, 1000)
  const batches = (s: RunnerSubscription) => options.batching && s.mapping.enable_batching !== false
  const gathered = new Map<RunnerSubscription, { events: Routed[]; bytes: number }>()
  let gatheredCount = 0
  const inFlight = new Set<Promise<void>>()

  async function dispatch(chunk: Routed[]): Promise<void> {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight)
    if (options.stop.aborted) return notSent(chunk)
    const destination = idle.pop() ?? new Destination(definition)
    const lane: Promise<void> = deliver(destination, chunk).finally(() => {
      idle.push(destination)
      inFlight.delete(lane)
    })
    inFlight.add(lane)
  }

  function notSent(chunk: Routed[], reason = `not sent: ${String(options.stop.reason ?? 'the run was stopped')}`) {
    options.settle(chunk.map((r) => outcome(r, { delivered: false, reason, requested: false }, 0, 'not_sent')))
  }

  async function deliver(destination: Destination<Settings>, chunk: Routed[]): Promise<void> {
    let pending = chunk
    for (let attempt = 1; pending.length; attempt++) {
      await options.rate.take()
      const results = await sendChunk(destination, pending)
      const retry: Routed[] = []
      const lastFailure: Result[] = []
      const final: EventOutcome[] = []
      let rateLimited = false
      pending.forEach((r, i) => {
        const result = results[i]
        if (RATE_LIMITED(result.status)) rateLimited = true
        if (AUTH_REFUSED(result.status, result.errortype)) options.onFatal(result.reason ?? 'TikTok refused the token')
        if (!result.delivered && RETRYABLE(result.status) && attempt <= options.maxRetries && !options.stop.aborted) {
          retry.push(r)
          lastFailure.push(result)
        } else {
          final.push(outcome(r, result, attempt, result.delivered ? 'delivered' : 'refused'))
        }
      })
      if (rateLimited) options.rate.slowDown()
      else options.rate.accepted()
      options.settle(final)
      pending = retry
      if (pending.length && !(await sleep(backoff(attempt, options), options.stop))) {
        // Stopped while waiting to retry: their last failure is their outcome, and they are in the failed file.
        options.settle(
          pending.map((r, i) =>
            outcome(
              r,
              { ...lastFailure[i], reason: `${lastFailure[i].reason} (not retried: stopped)` },
              attempt,
              'refused'
            )
          )
        )
        return
      }
    }
  }

  /** One request for the chunk, split further where one event must not sink the others. */
  async function sendChunk(destination: Destination<Settings>, chunk: Routed[]): Promise<Result[]> {
    const results = batches(chunk[0].subscription)
      ? await sendBatch(destination, chunk)
      : [await sendSingle(destination, chunk[0])]
    if (chunk.length === 1) return results
    // Something other than TikTok's answer sank the whole batch (a crash in the mapping on one hostile event), or
    // TikTok found the body too large: each event, or each half, goes alone, so the culprit is refused alone.
    const crashed = results.every((r) => !r.requested && r.errortype === 'THROWN')
    const tooLarge = results.some((r) => r.status === 413)
    if (crashed) {
      const alone: Result[] = []
      for (const r of chunk) alone.push(...(await sendChunk(destination, [r])))
      return alone
    }
    if (tooLarge) {
      const half = Math.ceil(chunk.length / 2)
      return [
        ...(await sendChunk(destination, chunk.slice(0, half))),
        ...(await sendChunk(destination, chunk.slice(half)))
      ]
    }
    return results
  }

  async function sendBatch(destination: Destination<Settings>, chunk: Routed[]): Promise<Result[]> {
    const { subscription } = chunk[0]
    const settings = frameworkSettings(options.settings, subscription, {
      ...subscription.mapping,
      batch_size: batchSize
    })
    try {
      const [result] = await destination.onBatch(
        chunk.map((r) => r.event),
        settings
      )
      const statuses = result?.multistatus ?? []
      const out = chunk.map((_, i): Result => {
        const node = statuses[i] as
          { status: number; errormessage?: string; errortype?: string; sent?: unknown; body?: unknown } | undefined
        if (!node)
          return {
            delivered: false,
            status: 500,
            reason: 'the framework returned no result for this event',
            requested: false
          }
        const requested = node.sent !== undefined
        if (node.errormessage !== undefined) {
          return {
            delivered: false,
            status: node.status,
            errortype: node.errortype,
            reason: node.errormessage,
            requested
          }
        }
        return {
          delivered: node.status >= 200 && node.status < 300,
          status: node.status,
          sent: node.sent as JSONObject,
          requested
        }
      })
      // One batch may become several requests (one per route, resends without a blamed event): the framework's
      // record of answers counts them; a request that got no answer (timeout, reset) still went out.
      options.countRequests(destination.responses.length || (out.some((r) => r.requested) ? 1 : 0))
      return out
    } catch (err) {
      return chunk.map(() => thrown(err))
    } finally {
      // The framework keeps every response it sees; a long replay must not.
      destination.responses.length = 0
    }
  }

  async function sendSingle(destination: Destination<Settings>, r: Routed): Promise<Result> {
    const settings = frameworkSettings(options.settings, r.subscription, r.subscription.mapping)
    try {
      await destination.onEvent(r.event, settings)
      options.countRequests(Math.max(1, destination.responses.length))
      return { delivered: true, status: 200, requested: true, sent: sentBody(destination) }
    } catch (err) {
      const result = thrown(err)
      // Refused before any request (validation) or sent and failed: a retryable failure means it went out.
      const requested = destination.responses.length > 0 || result.errortype === 'RetryableError'
      options.countRequests(destination.responses.length || (requested ? 1 : 0))
      return { ...result, requested }
    } finally {
      destination.responses.length = 0
    }
  }

  return {
    async accept(routed) {
      if (options.stop.aborted) return notSent([routed])
      if (!batches(routed.subscription)) return dispatch([routed])
      let group = gathered.get(routed.subscription)
      if (group && group.bytes + routed.bytes > options.maxBatchBytes) {
        gathered.delete(routed.subscription)
        gatheredCount -= group.events.length
        await dispatch(group.events)
        group = undefined
      }
      if (!group) gathered.set(routed.subscription, (group = { events: [], bytes: 0 }))
      group.events.push(routed)
      group.bytes += routed.bytes
      gatheredCount++
      if (group.events.length >= batchSize) {
        gathered.delete(routed.subscription)
        gatheredCount -= group.events.length
        await dispatch(group.events)
      } else if (gatheredCount > MAX_GATHERED) {
        // A rare event type would otherwise wait for its batch to fill for ever, and widen the in-flight window.
        const [largest] = [...gathered.entries()].sort(([, a], [, b]) => b.events.length - a.events.length)
        gathered.delete(largest[0])
        gatheredCount -= largest[1].events.length
        await dispatch(largest[1].events)
      }
    },
    async finish() {
      for (const [subscription, group] of gathered) {
        gathered.delete(subscription)
        if (options.stop.aborted) notSent(group.events)
        else await dispatch(group.events)
      }
      gatheredCount = 0
      while (inFlight.size) await Promise.all(inFlight)
    }
  }
}

/** A dry run: the body the describe stage built for each event (the same mapping, validation and builder). */
export function createDryRun(settle: (o: EventOutcome[]) => void, print: (body: JSONObject) => void): Sender {
  return {
    async accept(r) {
      print(r.description.body)
      settle([outcome(r, { delivered: true, sent: r.description.body, requested: false }, 0, 'delivered')])
    },
    async finish() {}
  }
}

function outcome(r: Routed, result: Result, attempts: number, status: EventOutcome['status']): EventOutcome {
  return {
    index: r.index,
    where: r.where,
    tiktokEvent: r.tiktokEvent,
    source: r.description.source,
    eventId: r.eventId,
    status,
    attempts,
    httpStatus: result.status,
    reason: result.delivered || result.reason === undefined ? undefined : namingField(result.reason),
    sent: result.sent,
    matchKeys: status === 'delivered' ? r.description.matchKeys : undefined,
    input: status === 'delivered' ? undefined : { event: r.input }
  }
}

/** The body of the request a single send made, read back from the framework's record of it. */
function sentBody(destination: Destination<Settings>): JSONObject | undefined {
  const body = (destination.responses[0] as { options?: { body?: unknown } } | undefined)?.options?.body
  if (typeof body !== 'string') return undefined
  try {
    return JSON.parse(body) as JSONObject
  } catch {
    return undefined
  }
}

/** Settings as a CDP hands them to the framework: the destination's, plus the one subscription to run. */
function frameworkSettings(settings: Settings, subscription: RunnerSubscription, mapping: JSONObject): JSONObject {
  const { subscribe, partnerAction } = subscription
  return { ...settings, subscription: { subscribe, partnerAction, mapping } } as unknown as JSONObject
}

/** What the framework threw, as the result of every event it was given (status 400 when it carries none). */
function thrown(err: unknown): Result {
  const e = err as { status?: number; message?: string; name?: string }
  const ours = e?.status !== undefined
  return {
    delivered: false,
    status: e?.status ?? 400,
    errortype: ours ? e?.name : 'THROWN',
    reason: `${e?.message ?? String(err)}`,
    requested: false
  }
}

function backoff(attempt: number, options: Pick<SendOptions, 'backoffMs' | 'maxBackoffMs'>): number {
  const delay = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (attempt - 1))
  // Jitter keeps many runners that failed together from retrying together.
  return delay / 2 + Math.random() * (delay / 2)
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal.addEventListener('abort', onAbort)
  })
}
