import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import { parseEvents, type FailedLine, type InputRecord } from '../runner/read-events'
import { runEvents, type RunReport } from '../runner/run'
import { subscriptionsFromFile, type RunnerSubscription } from '../runner/subscriptions'

// The one place the studio calls the runner. The runner is becoming a streaming pipeline; when its API changes, this
// file changes and nothing else in the studio does.

export type { InputRecord }

/** A subscription as the studio keeps it; `matches` decides routing the way the runner (and a CDP) does. */
export type StudioSubscription = RunnerSubscription

export function toSubscriptions(
  list: { name: string; subscribe: string; partnerAction: string; mapping: JSONObject }[]
): StudioSubscription[] {
  return list.length ? subscriptionsFromFile(list) : []
}

/** The subscription an event goes to: the first that matches, as a CDP decides. */
export function route(subscriptions: StudioSubscription[], event: SegmentEvent): StudioSubscription | undefined {
  return subscriptions.find((s) => s.matches(event))
}

export function readRecords(text: string): InputRecord[] {
  return parseEvents(text)
}

export interface ReplayOptions {
  settings: Settings
  endpoint: Endpoint
  subscriptions: StudioSubscription[]
  onProgress: (done: number, total: number) => void
}

/** What the studio needs of a replay: totals, each event's outcome, and the failed-events file. */
export interface ReplayResult {
  total: number
  delivered: number
  refused: number
  requests: number
  outcomes: { tiktokEvent: string; delivered: boolean; reason?: string }[]
  /** The refused events with their reasons, as NDJSON the CLI's `send` (and this studio) replays as is. */
  failedEventsFile: string
}

export async function replay(records: InputRecord[], options: ReplayOptions): Promise<ReplayResult> {
  const report = await runEvents(records, {
    settings: options.settings,
    endpoint: options.endpoint,
    subscriptions: options.subscriptions,
    onProgress: options.onProgress,
    // A person is watching: retry quickly, and not for minutes.
    backoffMs: 200,
    maxRetries: 3
  })
  return {
    total: report.total,
    delivered: report.delivered,
    refused: report.failed,
    requests: report.requests,
    outcomes: report.outcomes.map(({ tiktokEvent, delivered, reason }) => ({ tiktokEvent, delivered, reason })),
    failedEventsFile: failedEventsFile(report)
  }
}

function failedEventsFile(report: RunReport): string {
  return report.outcomes
    .filter((o) => !o.delivered)
    .map((o) => {
      const line: FailedLine = {
        failure: { reason: o.reason ?? 'unknown', status: o.status, attempts: o.attempts, tiktokEvent: o.tiktokEvent },
        event: o.input ?? null
      }
      return JSON.stringify(line) + '\n'
    })
    .join('')
}
