import {
  fieldsToJsonSchema,
  transform,
  validateSchema,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import { fields } from './reportWebEvent/fields'
import type { Payload } from './reportWebEvent/generated-types'
import { buildEvent } from './tiktok/build-event'
import type { TikTokEvent } from './tiktok/event-model'
import { routeOf } from './tiktok/formats'
import { matchKeys, type MatchKey } from './tiktok/match-keys'
import type { Envelope } from './tiktok/wire-format'

/** What one event becomes, step by step, without sending anything. */
export interface Preview {
  /** The mapping's output, as the framework validated it. */
  payload: Payload
  event: TikTokEvent
  /** The single request a send would make: path and body (personal data already hashed; the token is a header). */
  request: { path: string; body: Record<string, unknown> }
  envelope: Envelope
  matchKeys: MatchKey[]
}

const schema = fieldsToJsonSchema(fields)
const SCHEMA_KEY = 'tiktok-commanders:preview'

/**
 * Maps, validates and builds one framework event (see `toFrameworkEvent`) as a send would: the same mapping engine,
 * schema validation and builder. Throws what a send would throw: actions-core's schema error naming the field, or a
 * PayloadValidationError. Used by the runner's dry run and summary and by the studio.
 */
export function previewEvent(
  mapping: JSONObject,
  event: SegmentEvent,
  settings: Settings,
  now: number = Date.now()
): Preview {
  const payload = transform(mapping, event as unknown as JSONObject) as unknown as Payload
  // Keyed, as the framework's own batch path does: the schema is compiled once, not looked up afresh per event.
  validateSchema(payload, schema, { schemaKey: SCHEMA_KEY, throwIfInvalid: true })
  const built = buildEvent(payload, settings, now)
  const { format, envelope } = routeOf(built, settings)
  let request: Preview['request'] | undefined
  return {
    payload,
    event: built,
    // Built when asked for (the studio, a dry run): the runner's summary needs the event, not its body.
    get request() {
      return (request ??= format.single(built, envelope))
    },
    envelope,
    matchKeys: matchKeys(built)
  }
}
