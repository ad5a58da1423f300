import type { ContentType, StandardWebEvent } from './constants'

/**
 * One web event as TikTok understands it, before any wire format. Built once from a payload (build-event.ts), then
 * serialised by the pixel format or the Events API 2.0 format: neither format knows the other, and both see exactly
 * the same hashed, normalised, validated values. Absent values are absent keys, never '', null or [].
 */
export interface TikTokEvent {
  event: StandardWebEvent
  eventId?: string
  /** When the event happened, epoch milliseconds; absent when the event did not say. */
  time?: number
  /** When it was built for sending, epoch milliseconds: Events API 2.0 requires a time and falls back on this. */
  builtAt: number
  user: {
    /** SHA-256 hex. */
    externalId?: string
    /** SHA-256 hex of the trimmed, lower-cased email. */
    email?: string
    /** SHA-256 hex of the E.164 number. */
    phone?: string
    ttp?: string
  }
  ttclid?: string
  ip?: string
  userAgent?: string
  page: { url?: string; referrer?: string }
  properties: {
    contents?: TikTokContent[]
    contentType?: ContentType
    currency?: string
    value?: number
    description?: string
    query?: string
  }
  limitedDataUse?: boolean
}

export interface TikTokContent {
  content_id?: string
  content_type: ContentType
  content_name?: string
  content_category?: string
  price?: number
  quantity?: number
}
