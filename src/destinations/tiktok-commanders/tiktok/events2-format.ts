import { MAX_EVENTS_PER_REQUEST, PATHS } from './constants'
import type { TikTokEvent, TikTokProperties } from './event-model'
import { compact } from './compact'
import { indexesAfter, type Envelope, type WireFormat } from './wire-format'

// Events API 2.0: POST /event/track/ with a `data` array, for one event as for many, from every source. Each part
// only some sources have (page, app, lead, device ids) is written by its own function and absent elsewhere.

function events2Event(e: TikTokEvent) {
  return {
    event: e.event,
    // Unix seconds, where the pixel format takes ISO 8601; required here, where the pixel format may omit it.
    event_time: Math.floor((e.time ?? e.builtAt) / 1000),
    event_id: e.eventId,
    user: compact({
      external_id: oneOrMany(e.user.externalId),
      email: oneOrMany(e.user.email),
      phone: oneOrMany(e.user.phone),
      first_name: e.user.firstName,
      last_name: e.user.lastName,
      zip_code: e.user.zipCode,
      city: e.user.city,
      state: e.user.state,
      country: e.user.country,
      ...browserIds(e),
      ip: e.ip,
      user_agent: e.userAgent,
      locale: e.locale,
      ...deviceIds(e)
    }),
    page: e.source === 'web' ? compact({ url: e.page.url, referrer: e.page.referrer }) : undefined,
    app:
      e.source === 'app'
        ? compact({ app_id: e.app.appId, app_name: e.app.appName, app_version: e.app.appVersion })
        : undefined,
    lead:
      e.source === 'crm' ? compact({ lead_id: e.lead.leadId, lead_event_source: e.lead.leadEventSource }) : undefined,
    properties: properties(e.properties),
    // TikTok takes the flag from web and app events only.
    limited_data_use: e.source === 'web' || e.source === 'app' ? e.limitedDataUse : undefined
  }
}

function browserIds(e: TikTokEvent) {
  return e.source === 'web' ? { ttp: e.ttp, ttclid: e.ttclid } : {}
}

function deviceIds(e: TikTokEvent) {
  if (e.source !== 'app') return {}
  const { idfa, idfv, gaid, attStatus } = e.device
  return { idfa, idfv, gaid, att_status: attStatus }
}

/** One identifier as a string (what TikTok documents first), several as a list. */
function oneOrMany(values: string[] | undefined): string | string[] | undefined {
  return values?.length === 1 ? values[0] : values
}

function properties(p: TikTokProperties): Record<string, unknown> | undefined {
  const standard = compact({
    contents: p.contents,
    content_ids: p.contentIds,
    content_type: p.contentType,
    currency: p.currency,
    value: p.value,
    num_items: p.numItems,
    description: p.description,
    // TikTok's reference names the search `search_string`; its own template and every peer send `query`: both go.
    query: p.query,
    search_string: p.query,
    order_id: p.orderId,
    shop_id: p.shopId
  })
  if (!p.custom) return standard
  // The marketer's keys first, defined rather than assigned so that `__proto__` stays a key; standard keys win.
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries({ ...p.custom, ...standard })) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function request(events: TikTokEvent[], envelope: Envelope) {
  const items = events.map((e) => compact(events2Event(e)) ?? {})
  const body = compact({
    event_source: envelope.source,
    event_source_id: envelope.sourceId,
    test_event_code: envelope.testEventCode,
    data: items
  })
  return { path: PATHS.eventTrack, body: body ?? {}, items }
}

export const events2Format: WireFormat = {
  // More than 1,000 events and TikTok rejects the whole request.
  maxBatchSize: MAX_EVENTS_PER_REQUEST,
  single: (event, envelope) => request([event], envelope),
  batch: request,
  blamedItems: (message) => indexesAfter(/\bdata\.(\d+)\./gi, message)
}
