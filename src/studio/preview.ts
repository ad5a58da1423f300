import {
  fieldsToJsonSchema,
  transform,
  validateSchema,
  type JSONObject,
  type Preset,
  type SegmentEvent
} from '@segment/actions-core'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { fields } from '../destinations/tiktok-commanders/reportWebEvent/fields'
import type { Payload } from '../destinations/tiktok-commanders/reportWebEvent/generated-types'
import { buildEvent } from '../destinations/tiktok-commanders/tiktok/build-event'
import type { TikTokEvent } from '../destinations/tiktok-commanders/tiktok/event-model'
import { formatFor } from '../destinations/tiktok-commanders/tiktok/formats'
import type { Source } from './api-types'

// The one place the studio asks the destination what an event becomes. Until main's `preview.ts` and
// `tiktok/match-keys.ts` land, it assembles the same steps the runner's dry run takes (transform, schema validation,
// buildEvent, the wire format); then this file re-exports `previewEvent`, `MATCH_KEYS` and `matchKeys` from there.

export const MATCH_KEYS = ['email', 'phone', 'external_id', 'ttp', 'ttclid', 'ip', 'user_agent'] as const
export type MatchKey = (typeof MATCH_KEYS)[number]

export interface Preview {
  payload: Payload
  event: TikTokEvent
  request: { path: string; body: Record<string, unknown> }
  matchKeys: MatchKey[]
}

const schema = fieldsToJsonSchema(fields)

/** What one event becomes: throws the actions-core error a real send would (schema or PayloadValidationError). */
export function previewEvent(
  mapping: JSONObject,
  frameworkEvent: SegmentEvent,
  settings: Settings,
  now: number = Date.now()
): Preview {
  const payload = transform(mapping, frameworkEvent as unknown as JSONObject) as unknown as Payload
  validateSchema(payload, schema, { throwIfInvalid: true })
  const event = buildEvent(payload, settings, now)
  const wire = formatFor(settings).single(event, settings)
  return { payload, event, request: { path: wire.path, body: wire.body }, matchKeys: matchKeys(event) }
}

/** The identifiers TikTok can match the event on to a TikTok user. */
export function matchKeys(event: TikTokEvent): MatchKey[] {
  const present: Record<MatchKey, unknown> = {
    email: event.user.email,
    phone: event.user.phone,
    external_id: event.user.externalId,
    ttp: event.user.ttp,
    ttclid: event.ttclid,
    ip: event.ip,
    user_agent: event.userAgent
  }
  return MATCH_KEYS.filter((key) => present[key] !== undefined)
}

/** The event sources a preset reports. Every preset is a web one today; main's presets.ts will say per source. */
export function presetSources(_preset: Preset): Source[] {
  return ['web']
}
