import type { ContentType } from './constants'
import type { EventSource } from './event-names'

/**
 * One event as TikTok understands it, before any wire format. Built once from a payload (build-event.ts), then
 * serialised by the pixel format or the Events API 2.0 format: neither format knows the other, and both see exactly
 * the same hashed, normalised, validated values. Absent values are absent keys, never '', null or [].
 *
 * The source decides which parts an event has: only a web event has a page, `_ttp` and a click id; only an app
 * event has an app and device ids; only a CRM event has a lead. The types keep a web event from carrying an app part.
 */
export type TikTokEvent = CommonEvent & (WebPart | AppPart | OfflinePart | CrmPart)

export interface CommonEvent {
  /** The name as this source takes it: standard, renamed for the source, or custom (Events API 2.0 only). */
  event: string
  /** Whether `event` is a custom name: reporting and audiences only, never the pixel format. */
  custom: boolean
  /** Where TikTok files it: the pixel, app, offline event set or CRM event set configured for this source. */
  sourceId: string
  eventId?: string
  /** When the event happened, epoch milliseconds; absent when the event did not say. */
  time?: number
  /** When it was built for sending, epoch milliseconds: Events API 2.0 requires a time and falls back on this. */
  builtAt: number
  user: TikTokUser
  ip?: string
  userAgent?: string
  /** BCP 47 (`fr-FR`); Events API 2.0, web and app. */
  locale?: string
  properties: TikTokProperties
  limitedDataUse?: boolean
}

export interface TikTokUser {
  /** SHA-256 hex, one or more (a CRM often knows several). */
  externalId?: string[]
  /** SHA-256 hex of the trimmed, lower-cased email. */
  email?: string[]
  /** SHA-256 hex of the E.164 number. */
  phone?: string[]
  /** SHA-256 hex of the normalised value. */
  firstName?: string
  lastName?: string
  zipCode?: string
  /** Trimmed and lower-cased, not hashed. */
  city?: string
  state?: string
  country?: string
}

export interface WebPart {
  source: 'web'
  page: { url?: string; referrer?: string }
  ttp?: string
  ttclid?: string
}

export interface AppPart {
  source: 'app'
  app: { appId: string; appName?: string; appVersion?: string }
  device: DeviceIds
}

export interface DeviceIds {
  /** iOS only: upper case, or SHA-256 of the upper-case value. */
  idfa?: string
  /** iOS only, never hashed. */
  idfv?: string
  /** Android only: lower case, or SHA-256 of the trimmed lower-case value. */
  gaid?: string
  attStatus?: AttStatus
}

export const ATT_STATUSES = ['AUTHORIZED', 'DENIED', 'NOT_DETERMINED', 'RESTRICTED', 'NOT_APPLICABLE'] as const
export type AttStatus = (typeof ATT_STATUSES)[number]

export interface OfflinePart {
  source: 'offline'
}

export interface CrmPart {
  source: 'crm'
  lead: { leadId: string; leadEventSource?: string }
}

export interface TikTokProperties {
  contents?: TikTokContent[]
  contentIds?: string[]
  contentType?: ContentType
  currency?: string
  value?: number
  numItems?: number
  description?: string
  query?: string
  orderId?: string
  shopId?: string
  /** The marketer's own properties: never override a standard key. */
  custom?: Record<string, unknown>
}

export interface TikTokContent {
  content_id?: string
  content_type: ContentType
  content_name?: string
  content_category?: string
  brand?: string
  price?: number
  quantity?: number
}

export type { EventSource }
