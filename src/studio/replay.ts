import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { mkdtempSync, readFileSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { Readable } from 'stream'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import type { MatchKey } from '../destinations/tiktok-commanders/tiktok/match-keys'
import { InputError, parseStream, type InputRecord } from '../runner/read-events'
import { replay as runReplay } from '../runner/run'
import { subscriptionsFromFile, type RunnerSubscription } from '../runner/subscriptions'

// The one place the studio calls the runner: the same streaming pipeline as `send`, over an uploaded file.

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

/** The records of an uploaded file, read by the runner's own reader; `error` when the file breaks off. */
export async function readRecords(bytes: Buffer): Promise<{ records: InputRecord[]; error?: string }> {
  const records: InputRecord[] = []
  try {
    for await (const record of parseStream(Readable.from([bytes]))) records.push(record)
    return { records }
  } catch (err) {
    if (err instanceof InputError) return { records, error: err.message }
    throw err
  }
}

export interface ReplayOptions {
  settings: Settings
  endpoint: Endpoint
  subscriptions: StudioSubscription[]
  onProgress: (done: number) => void
}

/** What the studio needs of a replay: totals, each event's outcome, and the failed-events file. */
export interface ReplayResult {
  total: number
  delivered: number
  refused: number
  requests: number
  outcomes: { tiktokEvent: string; delivered: boolean; reason?: string; matchKeys?: MatchKey[] }[]
  /** The refused events with their reasons, as NDJSON the CLI's `send` (and this studio) replays as is. */
  failedEventsFile: string
}

export async function replay(bytes: Buffer, options: ReplayOptions): Promise<ReplayResult> {
  // The runner writes the failed-events file as `send` does (0600); it is read back for the download and removed.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiktok-commanders-studio-'))
  const failedOut = path.join(dir, 'failed-events.ndjson')
  const outcomes: ReplayResult['outcomes'] = []
  try {
    const summary = await runReplay(Readable.from([bytes]), {
      settings: options.settings,
      endpoint: options.endpoint,
      subscriptions: options.subscriptions,
      failedOut,
      onProgress: (p) => options.onProgress(p.settled),
      onSettled: (o) =>
        outcomes.push({
          tiktokEvent: o.tiktokEvent,
          delivered: o.status === 'delivered',
          reason: o.reason,
          matchKeys: o.matchKeys
        }),
      // A person is watching: retry quickly, and not for minutes.
      backoffMs: 200,
      maxRetries: 3
    })
    return {
      total: summary.read,
      delivered: summary.delivered,
      refused: summary.refused + summary.notSent,
      requests: summary.requests,
      outcomes,
      failedEventsFile: summary.failedWritten ? readFileSync(failedOut, 'utf8') : ''
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
