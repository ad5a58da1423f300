import { defaultValues, type JSONObject } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import { presets } from '../destinations/tiktok-commanders/presets'
import { fields } from '../destinations/tiktok-commanders/reportWebEvent/fields'
import type { SegmentEvent } from '@segment/actions-core'

/** A subscription as the framework takes it, with its parsed condition kept for routing. */
export interface RunnerSubscription {
  name: string
  subscribe: string
  partnerAction: string
  mapping: JSONObject
  matches(event: SegmentEvent): boolean
}

type Ast = ReturnType<typeof parseFql>

/** The subscriptions a CDP would create from the destination's presets. */
export function presetSubscriptions(): RunnerSubscription[] {
  return presets.flatMap((p) =>
    p.type === 'automatic'
      ? [subscription(p.name ?? p.subscribe, p.subscribe, p.partnerAction, (p.mapping ?? {}) as JSONObject)]
      : []
  )
}

/**
 * Subscriptions from a user's mapping file: `[{ subscribe, mapping, name?, partnerAction? }]` (or
 * `{ subscriptions: [...] }`). A mapping names only what it changes; the field defaults fill the rest.
 */
export function subscriptionsFromFile(json: unknown): RunnerSubscription[] {
  const list = Array.isArray(json) ? json : (json as { subscriptions?: unknown })?.subscriptions
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error('A mapping file holds a non-empty array of { "subscribe": "event = \\"…\\"", "mapping": { … } }.')
  }
  const defaults = defaultValues(fields) as JSONObject
  return list.map((entry, i) => {
    const s = entry as { subscribe?: unknown; mapping?: unknown; name?: unknown; partnerAction?: unknown }
    if (typeof s.subscribe !== 'string' || !s.mapping || typeof s.mapping !== 'object') {
      throw new Error(`subscription ${i}: needs "subscribe" (a string) and "mapping" (an object).`)
    }
    const action = typeof s.partnerAction === 'string' ? s.partnerAction : 'reportWebEvent'
    const name = typeof s.name === 'string' ? s.name : s.subscribe
    try {
      return subscription(name, s.subscribe, action, { ...defaults, ...(s.mapping as JSONObject) })
    } catch (err) {
      throw new Error(`subscription ${i}: ${(err as Error).message}`)
    }
  })
}

function subscription(name: string, subscribe: string, partnerAction: string, mapping: JSONObject): RunnerSubscription {
  const ast: Ast = parseFql(subscribe)
  if ('error' in ast) throw new Error(`subscription "${subscribe}" does not parse: ${String(ast.error)}`)
  // The parser reads a clause with no value (`event = `) as a comparison with "eos", its end-of-input marker: an
  // event nobody sends, so the subscription would silently match nothing.
  if (JSON.stringify(ast).includes('"value":"eos"') && !subscribe.includes('eos')) {
    throw new Error(`subscription "${subscribe}": a clause has no value (e.g. event = "purchase")`)
  }
  return { name, subscribe, partnerAction, mapping, matches: (event) => validate(ast, event) }
}
