import { MAX_EVENTS_PER_REQUEST, PATHS } from './constants'
import type { TikTokContent, TikTokEvent } from './event-model'
import { compact } from './compact'
import { indexesAfter, type Envelope, type WireFormat } from './wire-format'

// The pixel format of the product page: POST /pixel/track/ for one event, /pixel/batch/ for many. Web events only,
// and exactly the product page's fields: what Events API 2.0 added (order id, brand, names, ...) has no place here.

function pixelEvent(e: TikTokEvent, type?: 'track') {
  const web = e.source === 'web' ? e : undefined
  const p = e.properties
  // One literal per level, in the product page's key order; JSON leaves undefined values out, and `compact` drops a
  // level that may be left empty (TikTok reads an empty object as a wrong one).
  return {
    type,
    event: e.event,
    event_id: e.eventId,
    timestamp: e.time === undefined ? undefined : new Date(e.time).toISOString(),
    context: compact({
      ad: web?.ttclid === undefined ? undefined : { callback: web.ttclid },
      page: web && compact({ url: web.page.url, referrer: web.page.referrer }),
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
    // Never empty: content_type always has a value.
    properties: {
      contents: p.contents?.map(withoutBrand),
      content_type: p.contentType,
      currency: p.currency,
      value: p.value,
      description: p.description,
      query: p.query
    }
    // limitedDataUse has no place in this format.
  }
}

/** A content without its brand (an Events API 2.0 field); one literal, as for the event. */
function withoutBrand(c: TikTokContent) {
  return {
    content_id: c.content_id,
    content_type: c.content_type,
    content_name: c.content_name,
    content_category: c.content_category,
    price: c.price,
    quantity: c.quantity
  }
}

export const pixelFormat: WireFormat = {
  maxBatchSize: MAX_EVENTS_PER_REQUEST,

  single(event: TikTokEvent, envelope: Envelope) {
    const item = pixelEvent(event)
    const body = compact({ pixel_code: envelope.sourceId, ...item, test_event_code: envelope.testEventCode }) ?? {}
    return { path: PATHS.pixelTrack, body, items: [item] }
  },

  batch(events: TikTokEvent[], envelope: Envelope) {
    const items = events.map((e) => pixelEvent(e, 'track'))
    const body = compact({ pixel_code: envelope.sourceId, test_event_code: envelope.testEventCode, batch: items }) ?? {}
    return { path: PATHS.pixelBatch, body, items }
  },

  blamedItems: (message) => indexesAfter(/\bBatch\.(\d+)\./g, message)
}
