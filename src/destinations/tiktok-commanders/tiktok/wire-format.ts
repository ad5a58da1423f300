import type { TikTokEvent } from './event-model'
import type { EventSource } from './event-names'

/** A request to TikTok: where it goes, its body, and each event as it appears in that body (for per-event results). */
export interface WireRequest {
  path: string
  body: Record<string, unknown>
  items: Record<string, unknown>[]
}

/** What one request is addressed to: TikTok files every event of a request under one source and source id. */
export interface Envelope {
  source: EventSource
  sourceId: string
  testEventCode?: string
}

/** How one TikTok wire format serialises the neutral TikTokEvent, and how it names items in its error messages. */
export interface WireFormat {
  single(event: TikTokEvent, envelope: Envelope): WireRequest
  batch(events: TikTokEvent[], envelope: Envelope): WireRequest
  /** The largest batch TikTok takes in one request in this format. */
  maxBatchSize: number
  /** The 0-based batch positions an error message blames, e.g. `Batch.3.properties.currency: ...` -> [3]. */
  blamedItems(message: string): number[]
}

export function indexesAfter(prefix: RegExp, message: string): number[] {
  const found = new Set<number>()
  for (const match of message.matchAll(prefix)) found.add(Number(match[1]))
  return [...found]
}
