import type { Settings } from '../generated-types'
import { MAX_EVENTS_PER_REQUEST, PATHS } from './constants'
import type { TikTokEvent } from './event-model'
import { compact } from './compact'
import { indexesAfter, testEventCode, type WireFormat } from './wire-format'

// Events API 2.0: POST /event/track/ with a `data` array, for one event as for many.

function events2Event(e: TikTokEvent) {
  return {
    event: e.event,
    // Unix seconds, where the pixel format takes ISO 8601; required here, where the pixel format may omit it.
    event_time: Math.floor((e.time ?? e.builtAt) / 1000),
    event_id: e.eventId,
    user: compact({
      external_id: e.user.externalId,
      email: e.user.email,
      phone: e.user.phone,
      ttp: e.user.ttp,
      ttclid: e.ttclid,
      ip: e.ip,
      user_agent: e.userAgent
    }),
    page: compact({ url: e.page.url, referrer: e.page.referrer }),
    properties: compact({
      contents: e.properties.contents,
      content_type: e.properties.contentType,
      currency: e.properties.currency,
      value: e.properties.value,
      description: e.properties.description,
      query: e.properties.query
    }),
    limited_data_use: e.limitedDataUse
  }
}

function request(events: TikTokEvent[], settings: Settings) {
  const items = events.map((e) => compact(events2Event(e)) ?? {})
  const head = compact({
    event_source: 'web',
    event_source_id: settings.pixelCode,
    test_event_code: testEventCode(settings)
  })
  return { path: PATHS.eventTrack, body: { ...head, data: items }, items }
}

export const events2Format: WireFormat = {
  // More than 1,000 events and TikTok rejects the whole request.
  maxBatchSize: MAX_EVENTS_PER_REQUEST,
  single: (event, settings) => request([event], settings),
  batch: request,
  blamedItems: (message) => indexesAfter(/\bdata\.(\d+)\./gi, message)
}
