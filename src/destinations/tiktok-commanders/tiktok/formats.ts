import type { Settings } from '../generated-types'
import type { TikTokEvent } from './event-model'
import { events2Format } from './events2-format'
import { pixelFormat } from './pixel-format'
import type { Envelope, WireFormat } from './wire-format'

/** Where one event goes: the format it is written in and the envelope of its request. */
export interface Route {
  format: WireFormat
  envelope: Envelope
  /** Events with the same key may share a request, and only those. */
  key: string
}

/**
 * The route of one event. The API Format setting chooses the format of web events; app, offline and CRM events exist
 * only in Events API 2.0. The test event code goes with web events only: TikTok's Test Events tab is per pixel.
 */
export function routeOf(event: TikTokEvent, settings: Settings): Route {
  const web = event.source === 'web'
  const format = web && (settings.apiFormat ?? 'pixel') === 'pixel' ? pixelFormat : events2Format
  const envelope: Envelope = {
    source: event.source,
    sourceId: event.sourceId,
    testEventCode: web ? testEventCode(settings) : undefined
  }
  const key = `${format === pixelFormat ? 'pixel' : 'events_2_0'}\u0000${event.source}\u0000${event.sourceId}`
  return { format, envelope, key }
}

/** Events grouped by route, in their order within each group: one group = requests to one place. */
export function groupByRoute<T>(items: T[], eventOf: (item: T) => TikTokEvent, settings: Settings) {
  const groups = new Map<string, { route: Route; items: T[] }>()
  for (const item of items) {
    const route = routeOf(eventOf(item), settings)
    const group = groups.get(route.key)
    if (group) group.items.push(item)
    else groups.set(route.key, { route, items: [item] })
  }
  return [...groups.values()]
}

/** The single request one event makes. */
export function singleRequest(event: TikTokEvent, settings: Settings) {
  const { format, envelope } = routeOf(event, settings)
  return format.single(event, envelope)
}

/**
 * The test event code to send, if any. A blank one is none: sent as is, it would quietly divert live events into
 * TikTok's Test Events tab, where they are not saved.
 */
function testEventCode(settings: Settings): string | undefined {
  return settings.testEventCode?.trim() || undefined
}
