import { Destination, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import { createDestination } from '../destinations/tiktok-commanders'
import { toFrameworkEvent, type CommandersActEvent } from '../destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { previewEvent } from '../destinations/tiktok-commanders/preview'
import { TIKTOK_BASE_URL } from '../destinations/tiktok-commanders/tiktok/constants'
import { batchSize as boundedBatchSize, type Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import type { InputRecord } from './read-events'
import { presetSubscriptions, type RunnerSubscription } from './subscriptions'

// Replays Commanders Act events through the real framework runtime: a `Destination` built from the definition,
// fed subscriptions as a CDP would, batch by batch. Whatever cannot be delivered ends with its reason; retryable
// failures are retried with exponential back-off first. Every input record ends as exactly one outcome.

export interface RunOptions {
  settings: Settings
  endpoint?: Endpoint
  subscriptions?: RunnerSubscription[]
  /**
   * Send with performBatch (default) or one request per event with perform. A subscription whose mapping turns
   * `enable_batching` off is always sent one by one, as a CDP honours that field.
   */
  batching?: boolean
  batchSize?: number
  /** Requests in flight at once. */
  concurrency?: number
  /** Further attempts after the first for a retryable failure. */
  maxRetries?: number
  /** First back-off delay; it doubles on each retry, with jitter, up to maxBackoffMs. */
  backoffMs?: number
  maxBackoffMs?: number
  /** Build every TikTok body, send nothing. */
  dryRun?: boolean
  /** Keep each delivered event as sent in its outcome (always kept in a dry run); off, a long replay stays small. */
  keepSent?: boolean
  onProgress?: (done: number, total: number) => void
}

export interface EventOutcome {
  /** Position in the input. */
  index: number
  /** The TikTok event it was mapped to, or why it could not be. */
  tiktokEvent: string
  eventId?: string
  delivered: boolean
  attempts: number
  status?: number
  reason?: string
  /** The event as TikTok received it (or, in a dry run, would receive it). */
  sent?: JSONObject
  /** The input record, kept for failures so they can be written out and replayed. */
  input?: unknown
}

export interface RunReport {
  total: number
  delivered: number
  failed: number
  requests: number
  dryRun: boolean
  outcomes: EventOutcome[]
}

const RETRYABLE_STATUS = (status: number | undefined) =>
  status !== undefined && (status === 408 || status === 429 || status >= 500)

interface Routed {
  index: number
  input: unknown
  event: SegmentEvent
  subscription: RunnerSubscription
  tiktokEvent: string
  eventId?: string
}

export async function runEvents(records: InputRecord[], options: RunOptions): Promise<RunReport> {
  const route = router(options.subscriptions ?? presetSubscriptions())
  const outcomes: EventOutcome[] = new Array(records.length)
  const routed: Routed[] = []
  for (const record of records) {
    if (record.error !== undefined) {
      outcomes[record.index] = failure(record.index, '(unreadable)', record.error, 0, record.raw)
      continue
    }
    const event = toFrameworkEvent(record.event as CommandersActEvent)
    const subscription = route(event)
    if (!subscription) {
      const name = JSON.stringify(event.event ?? null)
      outcomes[record.index] = failure(
        record.index,
        '(no preset)',
        `no subscription matches event_name ${name}`,
        0,
        record.event
      )
      continue
    }
    routed.push({
      index: record.index,
      input: record.event,
      event,
      subscription,
      tiktokEvent: mappedEventName(subscription),
      eventId: eventIdOf(record.event as CommandersActEvent)
    })
  }

  let done = records.length - routed.length
  const report = () => options.onProgress?.(done, records.length)
  report()
  const finish = (outcome: EventOutcome) => {
    outcomes[outcome.index] = outcome
    done++
  }

  let requests = 0
  if (options.dryRun) {
    for (const r of routed) finish(dryRun(r, options.settings))
  } else {
    requests = await deliver(routed, options, finish, report)
  }
  report()
  const delivered = outcomes.filter((o) => o.delivered).length
  return {
    total: records.length,
    delivered,
    failed: records.length - delivered,
    requests,
    dryRun: !!options.dryRun,
    outcomes
  }
}

async function deliver(
  routed: Routed[],
  options: RunOptions,
  finish: (o: EventOutcome) => void,
  report: () => void
): Promise<number> {
  const destination = new Destination(createDestination(options.endpoint ?? { baseUrl: TIKTOK_BASE_URL }))
  const batchSize = boundedBatchSize(options.batchSize, 1000)
  const batches = (s: RunnerSubscription) => (options.batching ?? true) && s.mapping.enable_batching !== false
  const maxRetries = options.maxRetries ?? 5
  const attempts = new Map<number, number>()
  let requests = 0
  let pending = routed
  for (let round = 0; pending.length; round++) {
    if (round > 0) await sleep(backoff(round, options))
    const retry: Routed[] = []
    const jobs = chunksBySubscription(pending, (s) => (batches(s) ? batchSize : 1))
    await pool(jobs, options.concurrency ?? 4, async (chunk) => {
      const results = batches(chunk[0].subscription)
        ? await sendBatch(destination, chunk, options, batchSize)
        : await sendSingle(destination, chunk[0], options)
      requests++
      // The framework keeps every response it sees; a long replay must not.
      destination.responses.length = 0
      chunk.forEach((r, i) => {
        const result = results[i]
        const attempt = (attempts.get(r.index) ?? 0) + 1
        attempts.set(r.index, attempt)
        if (!result.delivered && RETRYABLE_STATUS(result.status) && attempt <= maxRetries) {
          retry.push(r)
          return
        }
        finish({
          index: r.index,
          tiktokEvent: r.tiktokEvent,
          eventId: r.eventId,
          attempts: attempt,
          ...result,
          sent: options.keepSent ? result.sent : undefined,
          input: result.delivered ? undefined : r.input
        })
      })
      report()
    })
    pending = retry
  }
  return requests
}

type SendResult = Pick<EventOutcome, 'delivered' | 'status' | 'reason' | 'sent'>

async function sendBatch(
  destination: Destination<Settings>,
  chunk: Routed[],
  options: RunOptions,
  size: number
): Promise<SendResult[]> {
  const { subscription } = chunk[0]
  const settings = frameworkSettings(options.settings, subscription, { ...subscription.mapping, batch_size: size })
  try {
    const [result] = await destination.onBatch(
      chunk.map((r) => r.event),
      settings
    )
    const statuses = result?.multistatus ?? []
    return chunk.map((_, i) => {
      const node = statuses[i]
      if (!node) return { delivered: false, status: 500, reason: 'the framework returned no result for this event' }
      if ('errormessage' in node) return { delivered: false, status: node.status, reason: node.errormessage }
      return { delivered: node.status >= 200 && node.status < 300, status: node.status, sent: node.sent as JSONObject }
    })
  } catch (err) {
    return chunk.map(() => thrown(err))
  }
}

async function sendSingle(destination: Destination<Settings>, r: Routed, options: RunOptions): Promise<SendResult[]> {
  const settings = frameworkSettings(options.settings, r.subscription, r.subscription.mapping)
  try {
    await destination.onEvent(r.event, settings)
    return [{ delivered: true, status: 200 }]
  } catch (err) {
    return [thrown(err)]
  }
}

/** Settings as a CDP hands them to the framework: the destination's, plus the one subscription to run. */
function frameworkSettings(settings: Settings, subscription: RunnerSubscription, mapping: JSONObject): JSONObject {
  const { subscribe, partnerAction } = subscription
  return { ...settings, subscription: { subscribe, partnerAction, mapping } } as unknown as JSONObject
}

/** What the framework threw, as the outcome of every event it was given (status 400 when it carries none). */
function thrown(err: unknown): SendResult {
  const e = err as { status?: number; message?: string }
  return { delivered: false, status: e.status ?? 400, reason: e.message ?? String(err) }
}

/** The TikTok body one event would get, built by the same mapping, validation and builder as a real send. */
function dryRun(r: Routed, settings: Settings): EventOutcome {
  const base = { index: r.index, tiktokEvent: r.tiktokEvent, eventId: r.eventId, attempts: 0 }
  try {
    const { request } = previewEvent(r.subscription.mapping, r.event, settings)
    return { ...base, delivered: true, sent: request.body as JSONObject }
  } catch (err) {
    return { ...base, delivered: false, status: 400, reason: (err as Error).message, input: r.input }
  }
}

function failure(index: number, tiktokEvent: string, reason: string, attempts: number, input: unknown): EventOutcome {
  return { index, tiktokEvent, delivered: false, attempts, status: 400, reason, input }
}

function mappedEventName(subscription: RunnerSubscription): string {
  const event = subscription.mapping.event
  return typeof event === 'string' ? event : subscription.name
}

function eventIdOf(e: CommandersActEvent): string | undefined {
  const id = (e.properties?.id ?? (e.context as { event_id?: unknown } | undefined)?.event_id) as unknown
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}

/**
 * The subscription an event goes to: the first that matches, as a CDP decides. When every subscription is a plain
 * `event = "name"` (the presets are), that is a lookup by name instead of trying each one in turn.
 */
function router(subscriptions: RunnerSubscription[]): (event: SegmentEvent) => RunnerSubscription | undefined {
  const byName = new Map<string, RunnerSubscription>()
  for (const s of subscriptions) {
    const name = /^event = "([^"\\]*)"$/.exec(s.subscribe)?.[1]
    if (name === undefined) return (event) => subscriptions.find((sub) => sub.matches(event))
    if (!byName.has(name)) byName.set(name, s)
  }
  return (event) => (typeof event.event === 'string' ? byName.get(event.event) : undefined)
}

/** Events grouped by subscription, then cut to the batch size, so each request is as full as it can be. */
function chunksBySubscription(routed: Routed[], sizeOf: (s: RunnerSubscription) => number): Routed[][] {
  const groups = new Map<RunnerSubscription, Routed[]>()
  for (const r of routed) {
    const group = groups.get(r.subscription)
    if (group) group.push(r)
    else groups.set(r.subscription, [r])
  }
  const chunks: Routed[][] = []
  for (const [subscription, group] of groups) {
    const size = sizeOf(subscription)
    for (let i = 0; i < group.length; i += size) chunks.push(group.slice(i, i + size))
  }
  return chunks
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++])
  })
  await Promise.all(lanes)
}

function backoff(round: number, options: RunOptions): number {
  const base = options.backoffMs ?? 500
  const max = options.maxBackoffMs ?? 30_000
  const delay = Math.min(max, base * 2 ** (round - 1))
  // Jitter keeps many runners that failed together from retrying together.
  return delay / 2 + Math.random() * (delay / 2)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
