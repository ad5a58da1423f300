import type { Settings } from '../generated-types'
import type { TikTokEvent } from './event-model'

/** A request to TikTok: where it goes, its body, and each event as it appears in that body (for per-event results). */
export interface WireRequest {
  path: string
  body: Record<string, unknown>
  items: Record<string, unknown>[]
}

/** How one TikTok wire format serialises the neutral TikTokEvent, and how it names items in its error messages. */
export interface WireFormat {
  single(event: TikTokEvent, settings: Settings): WireRequest
  batch(events: TikTokEvent[], settings: Settings): WireRequest
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

/**
 * The test event code to send, if any. A blank one is none: sent as is, it would quietly divert live events into
 * TikTok's Test Events tab, where they are not saved.
 */
export function testEventCode(settings: Settings): string | undefined {
  return settings.testEventCode?.trim() || undefined
}
