import type { InputField } from '@segment/actions-core'
import { MAX_EVENTS_PER_REQUEST } from '../tiktok/constants'

// Every default reads the product page's layout first (Commanders Act HTTP API 1.0: `properties.user.email`,
// `page.url`, `device.ip`) and falls back to the current layout (`user.email`, `context.page.url`,
// `context.device.ip`), so events of either kind work without re-mapping.

type Mapping = Record<string, unknown>

/** The first of these paths that holds a value (the framework's `@if exists` chained). */
export function firstOf(...paths: string[]): Mapping {
  const [first, ...rest] = paths
  if (rest.length === 0) return { '@path': first }
  return { '@if': { exists: { '@path': first }, then: { '@path': first }, else: firstOf(...rest) } }
}

/** An item of `properties.items` (or `items`) as a TikTok content; paths are relative to the item. */
const contentShape = {
  content_id: firstOf('$.id', '$.product.id'),
  price: { '@path': '$.product.price' },
  quantity: { '@path': '$.quantity' },
  content_type: { '@path': '$.content_type' },
  content_name: { '@path': '$.product.name' },
  content_category: { '@path': '$.product.category_1' }
}

export const event: InputField = {
  label: 'Event Name',
  description:
    'The TikTok standard web event to report (for example CompletePayment). TikTok discards custom events together with their data, so only standard events are accepted.',
  type: 'string',
  required: true,
  dynamic: true
}

export const event_id: InputField = {
  label: 'Event ID',
  description:
    "The event's own unique id. TikTok merges a browser pixel event and a server event that share the same event name and event ID within 48 hours, so it must be the id the page tag also sends.",
  type: 'string',
  default: firstOf('$.properties.id', '$.context.event_id')
}

export const timestamp: InputField = {
  label: 'Event Time',
  description:
    'When the event happened: epoch milliseconds, epoch seconds or an ISO 8601 date. Sent to TikTok as ISO 8601. When empty, TikTok uses the time it receives the event.',
  type: 'string',
  default: firstOf('$.event_timestamp', '$.context.event_timestamp')
}

export const page_url: InputField = {
  label: 'Page URL',
  description: 'The URL of the page where the event happened.',
  type: 'string',
  default: firstOf('$.page.url', '$.context.page.url')
}

export const referrer: InputField = {
  label: 'Page Referrer',
  description: 'The URL of the page the visitor came from.',
  type: 'string',
  default: firstOf('$.page.referrer', '$.context.page.referrer')
}

export const landing_url: InputField = {
  label: 'Landing URL',
  description:
    'The full page location, read for the ttclid query parameter TikTok adds to ad landing pages when neither the TikTok Click ID field nor the ttclid cookie has one.',
  type: 'string',
  default: firstOf('$.page.location.href', '$.context.page.location.href')
}

export const ip: InputField = {
  label: 'IP Address',
  description: "The visitor's IP address (IPv4 or IPv6). Sent unhashed, as TikTok requires.",
  type: 'string',
  default: firstOf('$.device.ip', '$.context.device.ip')
}

export const user_agent: InputField = {
  label: 'User Agent',
  description: "The visitor's browser user agent. Sent unhashed, as TikTok requires.",
  type: 'string',
  default: firstOf('$.device.user_agent', '$.context.device.user_agent')
}

export const cookie: InputField = {
  label: 'Cookies',
  description:
    'The raw Cookie header collected with the event. The _ttp cookie (TikTok browser id) and the ttclid cookie (TikTok click id) are read from it when the TikTok partner fields are empty.',
  type: 'string',
  default: firstOf('$.device.cookie', '$.context.device.cookie')
}

export const user: InputField = {
  label: 'User',
  description:
    'The Commanders Act user. The property named by the User Identifier setting becomes the external id, the one named by User Email Field the email, and phone the phone number. All three are SHA-256 hashed before leaving, unless already SHA-256.',
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  properties: {
    id: { label: 'User ID', type: 'string' },
    email: { label: 'Email', type: 'string' },
    email_md5: { label: 'Email MD5', type: 'string' },
    email_sha256: { label: 'Email SHA-256', type: 'string' },
    phone: { label: 'Phone', description: 'E.164 (+33612345678) or international (0033…) format.', type: 'string' }
  },
  default: firstOf('$.properties.user', '$.user')
}

export const ttp: InputField = {
  label: 'TikTok Browser ID (_ttp)',
  description: 'The _ttp cookie value set by the TikTok pixel. When empty, the _ttp cookie is read from Cookies.',
  type: 'string',
  default: { '@path': '$.partners.tiktok.ttp' }
}

export const ttclid: InputField = {
  label: 'TikTok Click ID (ttclid)',
  description:
    'The ttclid TikTok appends to ad landing pages. When empty, the ttclid cookie is used, then the ttclid query parameter of the landing URL, then of the page URL.',
  type: 'string',
  default: { '@path': '$.partners.tiktok.ttclid' }
}

export const contents: InputField = {
  label: 'Contents',
  description:
    'The products of the event. Content IDs are sent as strings; Content Type defaults to the event Content Type (product).',
  type: 'object',
  multiple: true,
  additionalProperties: false,
  properties: {
    content_id: { label: 'Content ID', type: 'string' },
    price: { label: 'Unit Price', type: 'number' },
    quantity: { label: 'Quantity', type: 'number' },
    content_type: { label: 'Content Type', description: 'product or product_group', type: 'string' },
    content_name: { label: 'Content Name', type: 'string' },
    content_category: { label: 'Content Category', type: 'string' }
  },
  default: { '@arrayPath': [firstOf('$.properties.items', '$.items'), contentShape] }
}

export const content_type: InputField = {
  label: 'Content Type',
  description: 'product or product_group, depending on how your TikTok product catalog is set up. Defaults to product.',
  type: 'string',
  default: firstOf('$.properties.content_type', '$.content_type')
}

export const currency: InputField = {
  label: 'Currency',
  description: 'ISO 4217 code of the value (EUR, USD, ...). Needed with Value for value-based optimisation.',
  type: 'string',
  default: firstOf('$.properties.currency', '$.currency')
}

export const value: InputField = {
  label: 'Value',
  description: 'The total value of the order or item(s). 0 is sent as 0.',
  type: 'number',
  default: firstOf('$.properties.value', '$.value')
}

export const description: InputField = {
  label: 'Description',
  description: 'A description of the event; defaults to the Commanders Act event name.',
  type: 'string',
  default: { '@path': '$.event_name' }
}

export const query: InputField = {
  label: 'Search Query',
  description: 'The text the visitor searched for.',
  type: 'string',
  default: firstOf('$.properties.search_term', '$.search_term')
}

export const limited_data_use: InputField = {
  label: 'Limited Data Use',
  description:
    'Flags the event for Limited Data Use (US state privacy laws). Sent only with the Events API 2.0 format; the pixel format has no such field.',
  type: 'boolean',
  default: { '@path': '$.partners.tiktok.ldu' }
}

export const enable_batching: InputField = {
  label: 'Send in Batches',
  description: 'Send events to TikTok in batches: far fewer requests against the 1,000 requests/second limit.',
  type: 'boolean',
  default: true
}

export const batch_size: InputField = {
  label: 'Batch Size',
  description: `How many events go in one request to TikTok (1 to ${MAX_EVENTS_PER_REQUEST}). TikTok's Events API 2.0 rejects a whole request above ${MAX_EVENTS_PER_REQUEST} events; 50 is the size proven in production by other TikTok integrations.`,
  type: 'number',
  minimum: 1,
  maximum: MAX_EVENTS_PER_REQUEST,
  default: 50
}

export const fields: Record<string, InputField> = {
  event,
  event_id,
  timestamp,
  page_url,
  referrer,
  landing_url,
  ip,
  user_agent,
  cookie,
  user,
  ttp,
  ttclid,
  contents,
  content_type,
  currency,
  value,
  description,
  query,
  limited_data_use,
  enable_batching,
  batch_size
}
