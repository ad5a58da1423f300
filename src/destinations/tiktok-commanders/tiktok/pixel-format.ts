import { MAX_EVENTS_PER_REQUEST, PATHS } from './constants'
import type { TikTokEvent } from './event-model'
import { compact } from './compact'
import { indexesAfter, type Envelope, type WireFormat } from './wire-format'

// The pixel format of the product page: POST /pixel/track/ for one event, /pixel/batch/ for many. Web events only,
// and exactly the product page's fields: what Events API 2.0 added (order id, brand, names, ...) has no place here.

function pixelEvent(e: TikTokEvent) {
  const web = e.source === 'web' ? e : undefined
  return {
    event: e.event,
    event_id: e.eventId,
    timestamp: e.time === undefined ? undefined : new Date(e.time).toISOString(),
    context: compact({
      ad: compact({ callback: web?.ttclid }),
      page: compact({ url: web?.page.url, referrer: web?.page.referrer }),
      ip: e.ip,
      user_agent: e.userAgent,
      user: compact({
        // One value each: the pixel format has no room for several.
        external_id: e.user.externalId?.[0],
        email: e.user.email?.[0],
        phone_number: e.user.phone?.[0],
        ttp: web?.ttp
      })
    }),
    properties: compact({
      contents: e.properties.contents?.map(({ brand: _brand, ...content }) => content),
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

  single(event: TikTokEvent, envelope: Envelope) {
    const item = compact(pixelEvent(event)) ?? {}
    const body = compact({ pixel_code: envelope.sourceId, ...item, test_event_code: envelope.testEventCode }) ?? {}
    return { path: PATHS.pixelTrack, body, items: [item] }
  },

  batch(events: TikTokEvent[], envelope: Envelope) {
    const items = events.map((e) => compact({ type: 'track', ...pixelEvent(e) }) ?? {})
    const body = compact({ pixel_code: envelope.sourceId, test_event_code: envelope.testEventCode, batch: items }) ?? {}
    return { path: PATHS.pixelBatch, body, items }
  },

  blamedItems: (message) => indexesAfter(/\bBatch\.(\d+)\./g, message)
}
