import type { SegmentEvent } from '@segment/actions-core'

/**
 * A Commanders Act event as the CDP hands it over: the HTTP API 1.0 layout of the product page (`event_name`,
 * `properties.*`, `page`, `device`, `partners`), or the current layout (`user`, `items`, `context.*` at the root).
 * Only what the destination reads is typed; everything else rides along.
 */
export interface CommandersActEvent {
  event_name?: string
  event_timestamp?: number | string
  properties?: Record<string, unknown>
  page?: Record<string, unknown>
  device?: Record<string, unknown>
  partners?: { tiktok?: TikTokPartnerFields } & Record<string, unknown>
  user?: Record<string, unknown>
  items?: unknown[]
  context?: Record<string, unknown>
  [key: string]: unknown
}

/** What a Commanders Act tag, SDK or import sets for TikTok under `partners.tiktok`. */
export interface TikTokPartnerFields {
  ttp?: string
  ttclid?: string
  ldu?: boolean
  /** web, app, offline or crm; absent: found from the event. */
  event_source?: string
  shop_id?: string
  lead_id?: string
  lead_event_source?: string
}

/**
 * Presents a Commanders Act event to the framework. Subscriptions (`event = "purchase"`) only know Segment's
 * vocabulary (`event`, `type`, `properties.*`): an `event_name` clause would be silently dropped and match
 * everything, so the event name is exposed as `event` and every Commanders Act event is a `track`.
 */
export function toFrameworkEvent(event: CommandersActEvent): SegmentEvent {
  const safe = withoutProtoKeys(event) as CommandersActEvent
  // Object.assign rather than `{ ...safe, event, type }`, which V8 copies the slow way (a spread followed by more keys:
  // about 3 us an event). Its assignment semantics are safe here: `safe` holds no `__proto__` key.
  return Object.assign({}, safe, {
    context: frameworkContext(safe.context),
    event: safe.event_name,
    type: 'track'
  }) as SegmentEvent
}

/**
 * The event without its `__proto__` keys. JSON.parse keeps `{"__proto__": {...}}` as a plain key, but the framework's
 * mapping engine copies objects by assignment, which turns that key into the copy's prototype, and then copies the
 * inherited values as the object's own: `"user": {"__proto__": {"email": ...}}` would be sent as the user's email.
 * No TikTok field can come from such a key, so it is left out before the framework sees the event. The event is
 * copied only when it holds one; the walk uses its own stack, so a deeply nested event cannot overflow it.
 */
export function withoutProtoKeys(value: unknown): unknown {
  if (!hasProtoKey(value)) return value
  try {
    return JSON.parse(JSON.stringify(value), (key, v) => (key === '__proto__' ? undefined : v))
  } catch {
    // Too deep to copy: the framework will refuse the event with its own error, which is reported on it alone.
    return value
  }
}

function hasProtoKey(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length) {
    const value = stack.pop()
    if (value === null || typeof value !== 'object') continue
    if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return true
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object') stack.push(child)
  }
  return false
}

/**
 * The framework reads `context` as Segment's and destructures `context.personas` for every event, with defaults that
 * only cover absent values: a null `context` or `context.personas` (valid JSON) threw a TypeError that lost a whole
 * batch. Commanders Act gives neither a meaning the framework could use, so they are presented as absent.
 */
function frameworkContext(context: unknown): Record<string, unknown> | undefined {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) return undefined
  const { personas, ...rest } = context as Record<string, unknown>
  return personas === null ? rest : (context as Record<string, unknown>)
}
