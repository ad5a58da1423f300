import type { Settings } from '../generated-types'
import { MAX_EVENTS_PER_REQUEST, PATHS } from './constants'
import type { TikTokEvent } from './event-model'
import { compact } from './compact'
import { indexesAfter, testEventCode, type WireFormat } from './wire-format'

// The pixel format of the product page: POST /pixel/track/ for one event, /pixel/batch/ for many.

function pixelEvent(e: TikTokEvent) {
  return {
    event: e.event,
    event_id: e.eventId,
    timestamp: e.time === undefined ? undefined : new Date(e.time).toISOString(),
    context: compact({
      ad: compact({ callback: e.ttclid }),
      page: compact({ url: e.page.url, referrer: e.page.referrer }),
      ip: e.ip,
      user_agent: e.userAgent,
      user: compact({
        external_id: e.user.externalId,
        email: e.user.email,
        phone_number: e.user.phone,
        ttp: e.user.ttp
      })
    }),
    properties: compact({
      contents: e.properties.contents,
      content_type: e.properties.contentType,
      currency: e.properties.currency,
      value: e.properties.value,
      description: e.properties.description,
      query: e.properties.query
    })
    // limitedDataUse has no place in this format.
  }
}

export const pixelFormat: WireFormat = {
  maxBatchSize: MAX_EVENTS_PER_REQUEST,

  single(event: TikTokEvent, settings: Settings) {
    const item = compact(pixelEvent(event)) ?? {}
    const body = compact({ pixel_code: settings.pixelCode, ...item, test_event_code: testEventCode(settings) }) ?? {}
    return { path: PATHS.pixelTrack, body, items: [item] }
  },

  batch(events: TikTokEvent[], settings: Settings) {
    const items = events.map((e) => compact({ type: 'track', ...pixelEvent(e) }) ?? {})
    const body = compact({ pixel_code: settings.pixelCode, test_event_code: testEventCode(settings) })
    return { path: PATHS.pixelBatch, body: { ...body, batch: items }, items }
  },

  blamedItems: (message) => indexesAfter(/\bBatch\.(\d+)\./g, message)
}
