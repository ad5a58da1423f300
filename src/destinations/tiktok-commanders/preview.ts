import {
  Destination,
  fieldsToJsonSchema,
  MultiStatusResponse,
  PayloadValidationError,
  transform,
  validateSchema,
  type ActionDefinition,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import { createDestination } from './index'
import { HashMemo } from './hashing'
import { errorResult } from './tiktok/deliver'
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
// actions-core's MultiStatusErrorReporter (not exported): a result it made itself, before the action ran.
const FRAMEWORK_REFUSED = 'INTEGRATIONS'

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
  return toPreview(payload, buildEvent(payload, settings, now), settings)
}

/**
 * `previewEvent` for many events of one mapping at once, through the framework's own batch path (`executeBatch`: the
 * mapping validated once for them all, then each event mapped, cleaned and validated), as `onBatch` would map them:
 * one Preview per event, or the error that refuses it, in the events' order. Nothing is sent.
 */
export function createBatchPreviewer(): (
  mapping: JSONObject,
  events: SegmentEvent[],
  settings: Settings
) => Promise<Array<Preview | Error>> {
  // What the preview action built for each call, in the order the framework handed it the payloads it found valid;
  // keyed by the call's own copy of the settings (the framework hands the action the object it was given), so calls
  // may overlap.
  const builtFor = new WeakMap<object, Array<Preview | Error>>()
  // As the destination's own: one visitor's identifiers hashed once while their events come in (see HashMemo).
  const identifiers = new HashMemo()
  const base = createDestination()
  const action: ActionDefinition<Settings, Payload> = {
    ...base.actions.reportWebEvent,
    performBatch: async (_request, { payload, settings }) => {
      const built: Array<Preview | Error> = []
      builtFor.set(settings, built)
      const results = new MultiStatusResponse()
      const now = Date.now()
      const memo = identifiers.expire()
      payload.forEach((p, i) => {
        try {
          built.push(toPreview(p, buildEvent(p, settings, now, memo), settings))
          results.setSuccessResponseAtIndex(i, { status: 200, sent: {}, body: {} })
        } catch (err) {
          built.push(err instanceof Error ? err : new Error(String(err)))
          results.setErrorResponseAtIndex(i, { ...errorResult(err), sent: {}, body: {} })
        }
      })
      return results
    }
  }
  const destination = new Destination<Settings>({ ...base, actions: { reportWebEvent: action } })

  return async (mapping, events, given) => {
    const settings = { ...given }
    let statuses: Array<{ errormessage?: string; errorreporter?: string } | undefined>
    try {
      statuses = (await destination.executeBatch('reportWebEvent', { events, mapping, settings })) as typeof statuses
    } catch {
      // Something in one event broke the whole batch (an event nested too deep for the mapping engine): each is
      // previewed alone, so that it alone is refused.
      return events.map((event) => {
        try {
          return previewEvent(mapping, event, settings)
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err))
        }
      })
    }
    const built = builtFor.get(settings) ?? []
    let next = 0
    return events.map((_, i) => {
      const status = statuses[i]
      // Refused by the framework's schema check: its payload never reached the action.
      if (status === undefined || status.errorreporter === FRAMEWORK_REFUSED) {
        return new PayloadValidationError(status?.errormessage ?? 'the framework returned no result for this event')
      }
      return built[next++] ?? new Error('the preview built no event for this payload')
    })
  }
}

/** The preview of a built event: its route, match keys, and the body of a single send, built when read. */
function toPreview(payload: Payload, built: TikTokEvent, settings: Settings): Preview {
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
