// What TikTok's Events API v1.3 accepts, in one place, for the payload builder, the pre-send checks and the emulator.

export const TIKTOK_BASE_URL = 'https://business-api.tiktok.com'
export const API_VERSION = 'v1.3'

export const PATHS = {
  pixelTrack: `/open_api/${API_VERSION}/pixel/track/`,
  pixelBatch: `/open_api/${API_VERSION}/pixel/batch/`,
  eventTrack: `/open_api/${API_VERSION}/event/track/`
} as const

// The standard web events, from the one table of event names per source.
export { WEB_EVENTS as STANDARD_WEB_EVENTS, type WebEventName as StandardWebEvent } from './event-names'

export const CONTENT_TYPES = ['product', 'product_group'] as const
export type ContentType = (typeof CONTENT_TYPES)[number]

// The 61 ISO 4217 currencies TikTok accepts (anything else: 40002).
export const CURRENCIES = [
  'AED', 'ARS', 'AUD', 'BDT', 'BHD', 'BIF', 'BOB', 'BRL', 'CAD', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CZK', 'DKK',
  'DZD', 'EGP', 'EUR', 'GBP', 'GTQ', 'HKD', 'HNL', 'HUF', 'IDR', 'ILS', 'INR', 'ISK', 'JPY', 'KES', 'KHR', 'KRW',
  'KWD', 'KZT', 'MAD', 'MOP', 'MXN', 'MYR', 'NGN', 'NIO', 'NOK', 'NZD', 'OMR', 'PEN', 'PHP', 'PKR', 'PLN', 'PYG',
  'QAR', 'RON', 'RUB', 'SAR', 'SEK', 'SGD', 'THB', 'TRY', 'TWD', 'UAH', 'USD', 'VES', 'VND', 'ZAR'
] as const // prettier-ignore

export const SHA256_HEX = /^[0-9a-f]{64}$/i

// Events API 2.0 rejects a request of more than 1,000 events as a whole. The pixel batch endpoint publishes no limit;
// we hold it to the same bound so one setting means the same thing in both formats.
export const MAX_EVENTS_PER_REQUEST = 1000

// TikTok answers HTTP 200 with one of these codes in the body.
export const TIKTOK_CODES = {
  ok: 0,
  /** Events API 2.0: some events of the request were refused, the others accepted. */
  partialSuccess: 20001,
  noPermission: 40001,
  invalidParameter: 40002,
  tooManyRequests: 40100,
  invalidToken: 40105
} as const
