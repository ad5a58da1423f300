import type { JSONObject } from '@segment/actions-core'
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'fs'
import { MATCH_KEYS, type MatchKey, type Source } from './describe'
import type { Journal } from './journal'
import type { FailedLine } from './read-events'

// The settle stage: every event ends here exactly once, as delivered, refused (with a reason, into the failed-events
// file) or not sent (by choice: no consent, or the run stopped before it). Only counters are kept, never the outcomes.

export type Status = 'delivered' | 'refused' | 'not_sent'

export interface EventOutcome {
  /** Position in the input, from 0. */
  index: number
  /** `line 12`, `item 4`. */
  where: string
  /** The TikTok event it was mapped to, or why it could not be (`(unreadable)`, `(no subscription)`). */
  tiktokEvent: string
  source: Source
  eventId?: string
  status: Status
  attempts: number
  httpStatus?: number
  reason?: string
  /** The event as TikTok received it (or, in a dry run, would receive it). */
  sent?: JSONObject
  matchKeys?: MatchKey[]
  /** Refused ones: what goes to the failed-events file (the event as given, or its unreadable text). */
  input?: Pick<FailedLine, 'event' | 'raw' | 'rawBase64'>
}

export interface Counts {
  delivered: number
  refused: number
  notSent: number
}

export interface ReasonCount {
  tiktokEvent: string
  status: Exclude<Status, 'delivered'>
  reason: string
  count: number
}

export interface RunSummary {
  /** Events read from the input in this run, skipped ones included. */
  read: number
  /** Settled by an earlier run (--resume) and not sent again. */
  skipped: number
  delivered: number
  refused: number
  notSent: number
  /** HTTP requests actually sent. */
  requests: number
  dryRun: boolean
  /** Why the run stopped before the end of its input (interrupted, token refused, unusable input, closed output). */
  stopped?: string
  byEvent: Record<string, Counts>
  bySource: Record<string, Counts>
  /** Refusals and not-sent, grouped by TikTok event and reason, most frequent first. */
  reasons: ReasonCount[]
  /** Share (0 to 1) of the delivered (in a dry run: ready) events carrying each match key (the destination's list). */
  matchKeys: Record<MatchKey, number>
  /** Refused events written for replay, and where (absent when none were). */
  failedWritten: number
  failedFile?: string
}

export interface Progress {
  bytesRead: number
  /** The input's size, when it is a file. */
  bytesTotal?: number
  read: number
  settled: number
  delivered: number
  refused: number
  notSent: number
  requests: number
}

// A hostile input could make every reason unique; past this many, the rest are counted under one line.
const MAX_REASONS = 1000

export interface SettlerOptions {
  dryRun: boolean
  /** Where refused events go; none in a dry run. */
  failedOut?: string
  /** Keep what the file held (a resumed run adds to it). */
  append?: boolean
  /** The input is this same file (a replay of the failed file): write beside it and swap at the end. */
  replacesInput?: boolean
  journal?: (beforeCheckpoint: () => void) => Journal
  onSettled?: (outcome: EventOutcome) => void
  onProgress?: (progress: Progress) => void
  progressMs?: number
}

export class Settler {
  private readonly byEvent = new Map<string, Counts>()
  private readonly bySource = new Map<string, Counts>()
  private readonly reasons = new Map<string, ReasonCount>()
  private readonly keyCounts = new Map<MatchKey, number>()
  private readonly failedFd: number | undefined
  private readonly failedPath: string | undefined
  readonly journal: Journal | undefined
  private lastProgress = 0
  read = 0
  skipped = 0
  requests = 0
  bytesRead = 0
  bytesTotal: number | undefined
  stopped: string | undefined
  private counts: Counts = { delivered: 0, refused: 0, notSent: 0 }
  private failedWritten = 0
  private keptFromBefore = false

  /** Opens the failed-events file and the journal first: a path that cannot be written fails before any send. */
  constructor(private readonly options: SettlerOptions) {
    if (options.failedOut && !options.dryRun) {
      this.failedPath = options.replacesInput ? `${options.failedOut}.next` : options.failedOut
      // Raw personal data: readable by its owner only, also when the file existed before with wider rights.
      this.failedFd = openSync(this.failedPath, options.append ? 'a' : 'w', 0o600)
      fchmodSync(this.failedFd, 0o600)
      this.keptFromBefore = !!options.append && statSync(this.failedPath).size > 0
    }
    try {
      this.journal = options.journal?.(() => {
        if (this.failedFd !== undefined) fsyncSync(this.failedFd)
      })
    } catch (err) {
      if (this.failedFd !== undefined) closeSync(this.failedFd)
      throw err
    }
  }

  isSettled(index: number): boolean {
    return this.journal?.isSettled(index) ?? false
  }

  skip(index: number): void {
    this.skipped++
    this.journal?.skipped(index)
    this.progress()
  }

  settle(outcomes: EventOutcome[]): void {
    const lines: string[] = []
    for (const o of outcomes) {
      const key = o.status === 'delivered' ? 'delivered' : o.status === 'refused' ? 'refused' : 'notSent'
      this.counts[key]++
      count(this.byEvent, o.tiktokEvent)[key]++
      count(this.bySource, o.source)[key]++
      if (o.status === 'delivered') {
        for (const k of o.matchKeys ?? []) this.keyCounts.set(k, (this.keyCounts.get(k) ?? 0) + 1)
      } else {
        this.reason(o)
      }
      // Not sent by choice (consent) stays out of the file; refused, and stopped before sending, go in.
      if (o.input && o.status !== 'delivered' && this.failedFd !== undefined) {
        const line: FailedLine = {
          failure: {
            reason: o.reason ?? 'unknown',
            status: o.httpStatus,
            attempts: o.attempts,
            tiktokEvent: o.tiktokEvent
          },
          ...o.input
        }
        lines.push(JSON.stringify(line))
      }
      this.options.onSettled?.(o)
    }
    // The file first, then the journal: what the journal calls settled is always in the file already.
    if (lines.length && this.failedFd !== undefined) {
      writeSync(this.failedFd, `${lines.join('\n')}\n`)
      this.failedWritten += lines.length
    }
    this.journal?.settled(outcomes.map((o) => o.index))
    this.progress()
  }

  progress(force = false): void {
    const { onProgress, progressMs = 100 } = this.options
    if (!onProgress) return
    const now = Date.now()
    if (!force && now - this.lastProgress < progressMs) return
    this.lastProgress = now
    onProgress({
      bytesRead: this.bytesRead,
      bytesTotal: this.bytesTotal,
      read: this.read,
      settled: this.skipped + this.counts.delivered + this.counts.refused + this.counts.notSent,
      ...this.counts,
      requests: this.requests
    })
  }

  /** Closes the files and returns the summary. `complete`: the whole input was read and settled. */
  close(complete: boolean): RunSummary {
    this.progress(true)
    this.journal?.finish(complete)
    let failedFile: string | undefined
    if (this.failedFd !== undefined && this.failedPath && this.options.failedOut) {
      fsyncSync(this.failedFd)
      closeSync(this.failedFd)
      const target = this.options.failedOut
      if (this.options.replacesInput && complete) renameSync(this.failedPath, target)
      const kept = this.options.replacesInput && !complete ? this.failedPath : target
      // The file reflects this run: no refusal, no file (a resumed run counts what it kept from before).
      if (this.failedWritten === 0 && !this.keptFromBefore) unlinkSync(kept)
      else failedFile = kept
    }
    const delivered = this.counts.delivered
    const matchKeys = Object.fromEntries(
      MATCH_KEYS.map((k) => [k, delivered ? (this.keyCounts.get(k) ?? 0) / delivered : 0])
    ) as Record<MatchKey, number>
    return {
      read: this.read,
      skipped: this.skipped,
      ...this.counts,
      requests: this.requests,
      dryRun: this.options.dryRun,
      stopped: this.stopped,
      byEvent: Object.fromEntries(this.byEvent),
      bySource: Object.fromEntries(this.bySource),
      reasons: [...this.reasons.values()].sort((a, b) => b.count - a.count),
      matchKeys,
      failedWritten: this.failedWritten,
      failedFile
    }
  }

  private reason(o: EventOutcome): void {
    const status = o.status as ReasonCount['status']
    let reason = oneLine(o.reason ?? 'unknown')
    let key = `${status}\u0000${o.tiktokEvent}\u0000${reason}`
    if (!this.reasons.has(key) && this.reasons.size >= MAX_REASONS) {
      reason = 'other reasons (too many different ones to list)'
      key = `${status}\u0000${o.tiktokEvent}\u0000${reason}`
    }
    const entry = this.reasons.get(key)
    if (entry) entry.count++
    else this.reasons.set(key, { tiktokEvent: o.tiktokEvent, status, reason, count: 1 })
  }
}

function count(map: Map<string, Counts>, key: string): Counts {
  let c = map.get(key)
  if (!c) map.set(key, (c = { delivered: 0, refused: 0, notSent: 0 }))
  return c
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat
}
