import {
  ErrorCodes,
  IntegrationError,
  InvalidAuthenticationError,
  MultiStatusResponse,
  PayloadValidationError,
  RetryableError,
  type JSONLikeObject,
  type JSONObject,
  type RequestClient
} from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from '../reportWebEvent/generated-types'
import { buildEvent } from './build-event'
import type { HashMemo } from '../hashing'
import { SOURCE_SETTINGS } from '../settings'
import { post, type TikTokReply } from './client'
import { TIKTOK_CODES } from './constants'
import type { TikTokEvent } from './event-model'
import { groupByRoute, routeOf, type Route } from './formats'

// The two ways an event reaches TikTok. Both build the same TikTokEvent and let its route's wire format serialise it.

export interface Endpoint {
  /** Scheme and host TikTok is reached at: TikTok itself, or a stand-in such as the bundled emulator. */
  baseUrl: string
  /** How long to wait for TikTok's answer; the framework's default (10 s) when absent. */
  timeoutMs?: number
}

/** Sends one event; throws the actions-core error that says what went wrong. */
export async function sendOne(
  request: RequestClient,
  endpoint: Endpoint,
  settings: Settings,
  payload: Payload,
  // The destination's recent hashes (see HashMemo).
  memo: HashMemo
): Promise<TikTokReply> {
  const event = buildEvent(payload, settings, Date.now(), memo.expire())
  const { format, envelope } = routeOf(event, settings)
  const wire = format.single(event, envelope)
  const outcome = await post(request, endpoint.baseUrl + wire.path, wire.body, SOURCE_SETTINGS[event.source])
  if (!outcome.ok) throw outcome.error
  return outcome.reply
}

// An error TikTok pins on some items sinks the whole request; the others are resent without them. Each round drops
// at least one item, and the number of rounds is bounded so a hostile reply cannot keep us looping.
const MAX_ROUNDS = 3

interface Pending {
  index: number
  event: TikTokEvent
}

/**
 * Sends many events in as few requests as the batch size allows and reports one result per payload, in order.
 * Events of different sources (web, app, offline, CRM) or formats never share a request: each group of one route is
 * cut to the batch size and sent on its own. An invalid event gets its own validation error and does not hold the
 * others back; an item TikTok blames gets TikTok's message; a failure of a whole request is given to every event it
 * carried, and to no other.
 */
export async function sendBatch(
  request: RequestClient,
  endpoint: Endpoint,
  settings: Settings,
  payloads: Payload[],
  // The destination's recent hashes (see HashMemo).
  identifiers: HashMemo
): Promise<MultiStatusResponse> {
  const results = new MultiStatusResponse()
  const now = Date.now()
  const memo = identifiers.expire()
  const valid: Pending[] = []
  payloads.forEach((payload, index) => {
    try {
      valid.push({ index, event: buildEvent(payload, settings, now, memo) })
    } catch (err) {
      results.setErrorResponseAtIndex(index, errorResult(err))
    }
  })
  for (const { route, items } of groupByRoute(valid, (p) => p.event, settings)) {
    const size = batchSize(payloads[0]?.batch_size, route.format.maxBatchSize)
    for (let start = 0; start < items.length; start += size) {
      await sendChunk(route, items.slice(start, start + size))
    }
  }
  return results

  async function sendChunk({ format, envelope }: Route, chunk: Pending[]): Promise<void> {
    const target = SOURCE_SETTINGS[envelope.source]
    let pending = chunk
    for (let round = 1; pending.length; round++) {
      const wire = format.batch(
        pending.map((p) => p.event),
        envelope
      )
      const outcome = await post(request, endpoint.baseUrl + wire.path, wire.body, target)
      const sent = (i: number) => ({
        sent: wire.items[i] as JSONObject,
        body: (outcome.reply ?? {}) as unknown as JSONLikeObject
      })
      if (outcome.ok) {
        pending.forEach((p, i) => results.setSuccessResponseAtIndex(p.index, { status: 200, ...sent(i) }))
        return
      }
      const failure = errorResult(outcome.error)
      if (outcome.reply?.code === TIKTOK_CODES.partialSuccess) {
        settlePartial(pending, format.blamedItems(outcome.reply.message ?? ''), failure, sent)
        return
      }
      const blamed = blamedItems(format.blamedItems, outcome.reply, pending.length)
      if (blamed.size === 0 || blamed.size === pending.length) {
        pending.forEach((p, i) => results.setErrorResponseAtIndex(p.index, { ...failure, ...sent(i) }))
        return
      }
      pending.forEach((p, i) => {
        if (blamed.has(i)) results.setErrorResponseAtIndex(p.index, { ...failure, ...sent(i) })
      })
      if (round === MAX_ROUNDS) {
        // Still blameless, but never sent whole: they are worth another try, not a refusal.
        const unsent = errorResult(
          new RetryableError(`Not delivered: TikTok refused ${MAX_ROUNDS} batches in a row for other events.`, 500)
        )
        pending.forEach((p, i) => {
          if (!blamed.has(i)) results.setErrorResponseAtIndex(p.index, { ...unsent, ...sent(i) })
        })
        return
      }
      pending = pending.filter((_, i) => !blamed.has(i))
    }
  }

  /**
   * 20001: TikTok kept the events it does not name. Those it names are refused with its message; when it names none,
   * nobody knows which were kept, so all are worth another try (TikTok merges resent events by name and event_id).
   */
  function settlePartial(
    pending: Pending[],
    named: number[],
    failure: ErrorResult,
    sent: (i: number) => { sent: JSONObject; body: JSONLikeObject }
  ): void {
    const refused = new Set(named.filter((i) => i < pending.length))
    const unknown = errorResult(
      new RetryableError(`${failure.errormessage} TikTok did not say which; resending is safe.`, 500)
    )
    pending.forEach((p, i) => {
      if (refused.has(i)) results.setErrorResponseAtIndex(p.index, { ...failure, ...sent(i) })
      else if (refused.size) results.setSuccessResponseAtIndex(p.index, { status: 200, ...sent(i) })
      else results.setErrorResponseAtIndex(p.index, { ...unknown, ...sent(i) })
    })
  }

  function blamedItems(
    blames: (message: string) => number[],
    reply: TikTokReply | undefined,
    count: number
  ): Set<number> {
    if (reply?.code !== TIKTOK_CODES.invalidParameter || !reply.message) return new Set()
    return new Set(blames(reply.message).filter((i) => i < count))
  }
}

export function batchSize(requested: number | undefined, max: number): number {
  const n = Math.floor(requested ?? 50)
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), max) : 50
}

type ErrorResult = { status: number; errortype: keyof typeof ErrorCodes; errormessage: string }

/** An actions-core error as a per-event batch result. */
export function errorResult(err: unknown): ErrorResult {
  if (err instanceof PayloadValidationError) {
    return { status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED', errormessage: err.message }
  }
  if (err instanceof RetryableError) {
    return { status: err.status, errortype: 'RETRYABLE_ERROR', errormessage: err.message }
  }
  if (err instanceof InvalidAuthenticationError) {
    return { status: err.status, errortype: 'INVALID_AUTHENTICATION', errormessage: err.message }
  }
  if (err instanceof IntegrationError) {
    const status = err.status ?? 400
    return { status, errortype: 'BAD_REQUEST', errormessage: err.message }
  }
  // Not ours to classify: report it on the event rather than lose the event or the batch.
  const message = err instanceof Error ? err.message : String(err)
  return { status: 500, errortype: 'UNKNOWN_ERROR', errormessage: message }
}
