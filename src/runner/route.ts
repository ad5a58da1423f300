import type { SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { toFrameworkEvent, type CommandersActEvent } from '../destinations/tiktok-commanders/commanders/event'
import { createDescriber, type Described, type Description } from './describe'
import type { InputRecord } from './read-events'
import type { EventOutcome } from './settle'
import type { RunnerSubscription } from './subscriptions'

// The route stage: an input record becomes an event for one subscription, or settles at once (unreadable, no
// subscription, no consent, too large to send).

export interface RouteOptions {
  settings: Settings
  subscriptions: RunnerSubscription[]
  /** Consent categories an event must hold (all of them) to be sent. */
  requireConsent?: string[]
  /** An event whose text is larger is refused alone, before it can sink a request. */
  maxEventBytes: number
}

/** 1 MiB: far above any real event, far below what makes TikTok answer 413. */
export const MAX_EVENT_BYTES = 1024 * 1024

/** An event read and matched to its subscription, to be described (with others of its run) before it is sent. */
export interface Prepared {
  index: number
  where: string
  bytes: number
  input: Record<string, unknown>
  event: SegmentEvent
  subscription: RunnerSubscription
  eventId?: string
}

/** A described event, ready to be sent. */
export interface Routed extends Prepared {
  tiktokEvent: string
  description: Description
}

export interface Router {
  /** Reads, checks and matches one record; an outcome when it settles at once. */
  prepare(record: InputRecord): Prepared | EventOutcome
  /** Describes prepared events, grouped by subscription, and checks consent: in their order, sendable or settled. */
  describe(prepared: Prepared[]): Promise<Array<Routed | EventOutcome>>
}

export function createRouter(options: RouteOptions): Router {
  const route = router(options.subscriptions)
  const required = options.requireConsent ?? []
  const describeAll = createDescriber()

  function prepare(record: InputRecord): Prepared | EventOutcome {
    const base = settledAt(record)
    if (record.error !== undefined) {
      const { raw, rawBase64 } = record
      return {
        ...base,
        tiktokEvent: '(unreadable)',
        status: 'refused',
        httpStatus: 400,
        reason: record.error,
        input: rawBase64 !== undefined ? { rawBase64 } : { raw }
      }
    }
    const input = record.event as Record<string, unknown>
    const eventId = eventIdOf(input as CommandersActEvent)
    if (record.bytes > options.maxEventBytes) {
      return {
        ...base,
        eventId,
        tiktokEvent: '(too large)',
        status: 'refused',
        httpStatus: 413,
        reason: `${record.where} is ${record.bytes} bytes, over the ${options.maxEventBytes} an event may take`,
        input: { event: input }
      }
    }
    const event = toFrameworkEvent(input as CommandersActEvent)
    const subscription = route(event)
    if (!subscription) {
      return {
        ...base,
        eventId,
        tiktokEvent: '(no subscription)',
        status: 'refused',
        httpStatus: 400,
        reason: `no subscription matches event_name ${JSON.stringify(event.event ?? null)}`,
        input: { event: input }
      }
    }
    return { index: record.index, where: record.where, bytes: record.bytes, input, event, subscription, eventId }
  }

  async function describe(prepared: Prepared[]): Promise<Array<Routed | EventOutcome>> {
    const bySubscription = new Map<RunnerSubscription, Prepared[]>()
    for (const p of prepared) {
      const group = bySubscription.get(p.subscription)
      if (group) group.push(p)
      else bySubscription.set(p.subscription, [p])
    }
    const verdicts = new Map<Prepared, Described>()
    for (const [subscription, group] of bySubscription) {
      const described = await describeAll(
        subscription.mapping,
        group.map((p) => p.event),
        options.settings
      )
      group.forEach((p, i) => verdicts.set(p, described[i]))
    }
    return prepared.map((p) => settleOrSend(p, verdicts.get(p) as Described))
  }

  function settleOrSend(prepared: Prepared, described: Described): Routed | EventOutcome {
    const { input, eventId, subscription } = prepared
    const base = settledAt(prepared)
    if ('reason' in described) {
      return {
        ...base,
        eventId,
        tiktokEvent: mappedEventName(subscription),
        status: 'refused',
        httpStatus: 400,
        reason: described.reason,
        input: { event: input }
      }
    }
    const { description } = described
    const tiktokEvent = description.tiktokEvent
    if (required.length) {
      const held = consentOf(input)
      const missing = required.filter((c) => !held.has(c))
      if (missing.length) {
        return {
          ...base,
          source: description.source,
          eventId,
          tiktokEvent,
          status: 'not_sent',
          reason: `no consent: needs categories ${required.join(', ')}`
        }
      }
    }
    return { ...prepared, tiktokEvent, description }
  }

  return { prepare, describe }
}

/** What every outcome settled before sending starts with: where the event is, no source yet, no attempt. */
function settledAt({ index, where }: { index: number; where: string }) {
  return { index, where, source: 'unknown' as const, attempts: 0 }
}

/** `user.consent_categories` of either Commanders Act layout: an array of ids, or a comma-separated string. */
function consentOf(input: Record<string, unknown>): Set<string> {
  const own = (u: unknown) =>
    u !== null && typeof u === 'object' && Object.prototype.hasOwnProperty.call(u, 'consent_categories')
      ? (u as Record<string, unknown>).consent_categories
      : undefined
  const categories = own((input.properties as Record<string, unknown> | undefined)?.user) ?? own(input.user)
  const list = Array.isArray(categories) ? categories : typeof categories === 'string' ? categories.split(',') : []
  return new Set(list.filter((c) => typeof c === 'string' || typeof c === 'number').map((c) => String(c).trim()))
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
