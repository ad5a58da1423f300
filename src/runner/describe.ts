import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { createBatchPreviewer } from '../destinations/tiktok-commanders/preview'
import { fields } from '../destinations/tiktok-commanders/reportWebEvent/fields'
import type { EventSource } from '../destinations/tiktok-commanders/tiktok/event-names'
import { MATCH_KEYS, type MatchKey } from '../destinations/tiktok-commanders/tiktok/match-keys'

// The describe stage: what an event becomes before it is sent (the destination's own preview: mapping, validation,
// builder), for the summary (TikTok event, source, match keys) and the dry run (the body). An event the preview
// refuses would be refused by the send in the same words, so it is settled here and never costs a request.

export { MATCH_KEYS, type MatchKey }
/** `unknown`: the event was refused before its source could be told. */
export type Source = EventSource | 'unknown'

export interface Description {
  tiktokEvent: string
  source: EventSource
  matchKeys: MatchKey[]
  /** The body a single send would carry, built when read (dry runs). */
  readonly body: JSONObject
}

export type Described = { description: Description } | { reason: string }

/**
 * Describes events of one mapping at once, through the framework's batch path: the mapping is validated once for
 * them all, as `onBatch` does, where a preview per event would validate it once per event (most of what the describe
 * stage cost).
 */
export function createDescriber(): (
  mapping: JSONObject,
  events: SegmentEvent[],
  settings: Settings
) => Promise<Described[]> {
  const preview = createBatchPreviewer()
  return async (mapping, events, settings) =>
    (await preview(mapping, events, settings)).map((p): Described => {
      if (p instanceof Error) return { reason: namingField(p.message) }
      return {
        description: {
          tiktokEvent: p.event.event,
          source: p.event.source,
          matchKeys: p.matchKeys,
          get body() {
            return p.request.body as JSONObject
          }
        }
      }
    })
}

const fieldByLabel = new Map(Object.entries(fields).map(([key, field]) => [field.label, key]))

/** The framework's schema errors name a field by its label ("Value must be a number"): add its key. */
export function namingField(reason: string): string {
  const label = /^(.+?) must /.exec(reason)?.[1]
  const key = label ? fieldByLabel.get(label) : undefined
  return key ? `${reason} (field \`${key}\`)` : reason
}
