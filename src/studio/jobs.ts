import { randomUUID } from 'node:crypto'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import type { ReplayRow, ReplayView } from './api-types'
import { MATCH_KEYS, type MatchKey } from './preview'
import { replay, type ReplayResult, type StudioSubscription } from './replay'

// Replays started from the page: each runs in the background through the runner while the page polls its progress;
// the last few are kept for their summary and failed-events file.

const KEPT = 5

interface Job {
  view: ReplayView
  failed?: string
}

export interface ReplayInput {
  /** The uploaded file, and how many events the runner's reader found in it. */
  bytes: Buffer
  total: number
  settings: Settings
  endpoint: Endpoint
  subscriptions: StudioSubscription[]
}

export class ReplayJobs {
  private readonly jobs = new Map<string, Job>()

  start(input: ReplayInput): ReplayView {
    const id = randomUUID()
    const job: Job = { view: { id, total: input.total, done: 0, finished: false } }
    this.jobs.set(id, job)
    for (const old of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEPT))) this.jobs.delete(old)
    replay(input.bytes, {
      settings: input.settings,
      endpoint: input.endpoint,
      subscriptions: input.subscriptions,
      onProgress: (done) => {
        job.view.done = done
      }
    }).then(
      (result) => {
        job.view.summary = summarise(result)
        job.failed = result.failedEventsFile
        job.view.done = result.total
        job.view.finished = true
      },
      (err: unknown) => {
        job.view.error = `The replay stopped: ${err instanceof Error ? err.message : String(err)}`
        job.view.finished = true
      }
    )
    return { ...job.view }
  }

  get(id: string): ReplayView | undefined {
    const job = this.jobs.get(id)
    return job && { ...job.view }
  }

  failedFile(id: string): string | undefined {
    return this.jobs.get(id)?.failed
  }
}

function summarise(report: ReplayResult): NonNullable<ReplayView['summary']> {
  const rows = new Map<string, ReplayRow>()
  for (const o of report.outcomes) {
    let row = rows.get(o.tiktokEvent)
    if (!row)
      rows.set(o.tiktokEvent, (row = { tiktokEvent: o.tiktokEvent, sent: 0, delivered: 0, refused: 0, reasons: [] }))
    row.sent++
    if (o.delivered) {
      row.delivered++
      continue
    }
    row.refused++
    const reason = (o.reason ?? 'unknown').replace(/\s+/g, ' ').trim()
    const known = row.reasons.find((r) => r.reason === reason)
    if (known) known.count++
    else row.reasons.push({ reason, count: 1 })
  }
  return {
    total: report.total,
    delivered: report.delivered,
    refused: report.refused,
    requests: report.requests,
    rows: [...rows.values()].sort((a, b) => a.tiktokEvent.localeCompare(b.tiktokEvent)),
    coverage: coverage(report)
  }
}

/** Of the events the runner mapped to a TikTok event (delivered or not), how many carry each match key. */
function coverage(report: ReplayResult): NonNullable<ReplayView['summary']>['coverage'] {
  const counts = new Map<MatchKey, number>(MATCH_KEYS.map((k) => [k, 0]))
  let mapped = 0
  for (const { matchKeys } of report.outcomes) {
    if (!matchKeys) continue
    mapped++
    for (const key of matchKeys) counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return { mapped, keys: [...counts].map(([key, events]) => ({ key, events })) }
}
