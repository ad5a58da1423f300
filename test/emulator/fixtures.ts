import { createHash } from 'node:crypto'
import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { DEFAULT_PIXEL_CODE } from '../../src/emulator'

// Valid request bodies for the three endpoints and the table of single-defect variants shared by the validator
// tests and the HTTP tests.

export const NOW = Date.parse('2025-06-01T12:00:00Z')
export const PIXEL = DEFAULT_PIXEL_CODE
const sha = (text: string): string => createHash('sha256').update(text).digest('hex')
export const EMAIL_HASH = sha('alice@example.com')
export const PHONE_HASH = sha('+33612345678')
export const ID_HASH = sha('user_123')

export type Route = 'pixelTrack' | 'pixelBatch' | 'eventTrack'
export type Json = Record<string, unknown>

function properties(i: number): Json {
  return {
    contents: [
      {
        content_type: 'product',
        content_id: `sku-${i}`,
        content_name: 'Running shoe',
        content_category: 'Shoes',
        price: 49.9,
        quantity: 2
      }
    ],
    content_type: 'product',
    currency: 'EUR',
    value: 99.8,
    description: 'Order',
    query: 'shoes',
    order_id: `order-${i}`
  }
}

function pixelContext(): Json {
  return {
    ad: { callback: 'E.C.P.abc' },
    page: { url: 'https://shop.example/checkout', referrer: 'https://shop.example/cart' },
    ip: '203.0.113.7',
    user_agent: 'Mozilla/5.0',
    user: { external_id: ID_HASH, email: EMAIL_HASH, phone_number: PHONE_HASH, ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH' }
  }
}

export function pixelTrackBody(): Json {
  return {
    pixel_code: PIXEL,
    event: 'CompletePayment',
    event_id: 'order-0',
    timestamp: '2025-06-01T11:59:00Z',
    test_event_code: 'TEST123',
    partner_name: 'CommandersAct',
    context: pixelContext(),
    properties: properties(0)
  }
}

function batchItem(i: number): Json {
  return {
    type: 'track',
    event: 'CompletePayment',
    event_id: `order-${i}`,
    timestamp: '2025-06-01T11:59:00.123Z',
    context: pixelContext(),
    properties: properties(i)
  }
}

export function pixelBatchBody(size = 4): Json {
  return {
    pixel_code: PIXEL,
    partner_name: 'CommandersAct',
    test_event_code: 'TEST123',
    batch: Array.from({ length: size }, (_, i) => batchItem(i))
  }
}

function events2Item(i: number): Json {
  return {
    event: 'Purchase',
    event_time: NOW / 1000 - 60,
    event_id: `order-${i}`,
    user: {
      external_id: [ID_HASH, sha('user_456')],
      email: EMAIL_HASH,
      phone: [PHONE_HASH],
      ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH',
      ttclid: 'E.C.P.abc',
      ip: '2001:db8::1',
      user_agent: 'Mozilla/5.0',
      locale: 'fr-FR'
    },
    page: { url: 'https://shop.example/checkout', referrer: 'https://shop.example/cart' },
    properties: properties(i),
    limited_data_use: false
  }
}

export function events2Body(size = 4): Json {
  return {
    event_source: 'web',
    event_source_id: PIXEL,
    test_event_code: 'TEST123',
    partner_name: 'CommandersAct',
    data: Array.from({ length: size }, (_, i) => events2Item(i))
  }
}

export const PATH_OF: Record<Route, string> = {
  pixelTrack: PATHS.pixelTrack,
  pixelBatch: PATHS.pixelBatch,
  eventTrack: PATHS.eventTrack
}

export function validBody(route: Route): Json {
  if (route === 'pixelTrack') return pixelTrackBody()
  return route === 'pixelBatch' ? pixelBatchBody() : events2Body()
}

/** Sets (or, with `undefined`, deletes) the value at a dotted path; numeric segments index arrays. */
export function setPath(root: Json, path: string, value: unknown): Json {
  const keys = path.split('.')
  let node: unknown = root
  for (const key of keys.slice(0, -1)) node = (node as Json)[key]
  const last = keys[keys.length - 1]
  if (value === undefined) delete (node as Json)[last]
  // defineProperty, because plain assignment of `__proto__` would change the prototype instead of adding a key.
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true })
  return root
}

export interface Defect {
  route: Route
  /** Dotted path to change in the valid body; `undefined` value deletes it. */
  path: string
  value: unknown
  message: string
}

const FUTURE_ISO = new Date(NOW + 10 * 60 * 1000).toISOString()

// One defect per row; each rule of the brief appears at least once per format it applies to.
export const DEFECTS: Defect[] = [
  // pixel, single
  { route: 'pixelTrack', path: 'pixel_code', value: undefined, message: 'pixel_code: Missing data for required field' },
  { route: 'pixelTrack', path: 'pixel_code', value: 42, message: 'pixel_code: Not a valid string' },
  { route: 'pixelTrack', path: 'event', value: undefined, message: 'event: Missing data for required field' },
  { route: 'pixelTrack', path: 'event', value: 'Checkout', message: 'event: Not a standard web event' },
  { route: 'pixelTrack', path: 'event', value: 7, message: 'event: Not a valid string' },
  { route: 'pixelTrack', path: 'event_id', value: 123, message: 'event_id: Not a valid string' },
  { route: 'pixelTrack', path: 'test_event_code', value: 1, message: 'test_event_code: Not a valid string' },
  { route: 'pixelTrack', path: 'timestamp', value: 'yesterday', message: 'timestamp: Not a valid ISO 8601 date-time' },
  {
    route: 'pixelTrack',
    path: 'timestamp',
    value: '2025-06-01T11:59:00',
    message: 'timestamp: Not a valid ISO 8601 date-time'
  },
  {
    route: 'pixelTrack',
    path: 'timestamp',
    value: '2025-13-01T11:59:00Z',
    message: 'timestamp: Not a valid ISO 8601 date-time'
  },
  {
    route: 'pixelTrack',
    path: 'timestamp',
    value: '2025-02-30T11:59:00Z',
    message: 'timestamp: Not a valid ISO 8601 date-time'
  },
  { route: 'pixelTrack', path: 'timestamp', value: NOW, message: 'timestamp: Not a valid string' },
  {
    route: 'pixelTrack',
    path: 'timestamp',
    value: FUTURE_ISO,
    message: 'timestamp: Must not be more than 5 minutes in the future'
  },
  { route: 'pixelTrack', path: 'context.ad.callback', value: 1, message: 'context.ad.callback: Not a valid string' },
  { route: 'pixelTrack', path: 'context.page.url', value: [], message: 'context.page.url: Not a valid string' },
  {
    route: 'pixelTrack',
    path: 'context.page.referrer',
    value: {},
    message: 'context.page.referrer: Not a valid string'
  },
  { route: 'pixelTrack', path: 'context.ip', value: 2130706433, message: 'context.ip: Not a valid string' },
  { route: 'pixelTrack', path: 'context.user_agent', value: true, message: 'context.user_agent: Not a valid string' },
  { route: 'pixelTrack', path: 'context.user.ttp', value: 5, message: 'context.user.ttp: Not a valid string' },
  {
    route: 'pixelTrack',
    path: 'context.user.email',
    value: 'alice@example.com',
    message: 'context.user.email: Not a valid SHA-256 hash'
  },
  {
    route: 'pixelTrack',
    path: 'context.user.external_id',
    value: 'user_123',
    message: 'context.user.external_id: Not a valid SHA-256 hash'
  },
  {
    route: 'pixelTrack',
    path: 'context.user.phone_number',
    value: '+33612345678',
    message: 'context.user.phone_number: Not a valid SHA-256 hash'
  },
  {
    route: 'pixelTrack',
    path: 'context.user.email',
    value: [EMAIL_HASH],
    message: 'context.user.email: Not a valid string'
  },
  { route: 'pixelTrack', path: 'context.user.fbp', value: 'x', message: 'context.user.fbp: Unknown field' },
  { route: 'pixelTrack', path: 'context.user', value: null, message: 'context.user: Field may not be null' },
  { route: 'pixelTrack', path: 'context', value: 'ctx', message: 'context: Not a valid object' },
  { route: 'pixelTrack', path: 'properties', value: [], message: 'properties: Not a valid object' },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.content_id',
    value: 42,
    message: 'properties.contents.0.content_id: Not a valid string'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.content_name',
    value: 1,
    message: 'properties.contents.0.content_name: Not a valid string'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.content_category',
    value: 1,
    message: 'properties.contents.0.content_category: Not a valid string'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.content_type',
    value: 'sku',
    message: 'properties.contents.0.content_type: Must be one of: product, product_group'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.price',
    value: '49.90',
    message: 'properties.contents.0.price: Not a valid number'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.quantity',
    value: '2',
    message: 'properties.contents.0.quantity: Not a valid number'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.quantity',
    value: 1.5,
    message: 'properties.contents.0.quantity: Must be a positive integer'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.quantity',
    value: 0,
    message: 'properties.contents.0.quantity: Must be a positive integer'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0.brand',
    value: 'Acme',
    message: 'properties.contents.0.brand: Unknown field'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0',
    value: 'sku-1',
    message: 'properties.contents.0: Not a valid object'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents.0',
    value: null,
    message: 'properties.contents.0: Field may not be null'
  },
  {
    route: 'pixelTrack',
    path: 'properties.contents',
    value: { content_id: 'x' },
    message: 'properties.contents: Not a valid list'
  },
  {
    route: 'pixelTrack',
    path: 'properties.content_type',
    value: 'products',
    message: 'properties.content_type: Must be one of: product, product_group'
  },
  { route: 'pixelTrack', path: 'properties.currency', value: 'XXX', message: 'properties.currency: Invalid currency' },
  { route: 'pixelTrack', path: 'properties.currency', value: 'eur', message: 'properties.currency: Invalid currency' },
  { route: 'pixelTrack', path: 'properties.value', value: '99.80', message: 'properties.value: Not a valid number' },
  { route: 'pixelTrack', path: 'properties.value', value: null, message: 'properties.value: Field may not be null' },
  {
    route: 'pixelTrack',
    path: 'properties.description',
    value: 1,
    message: 'properties.description: Not a valid string'
  },
  { route: 'pixelTrack', path: 'properties.query', value: ['shoes'], message: 'properties.query: Not a valid string' },
  { route: 'pixelTrack', path: 'properties.order_id', value: 1001, message: 'properties.order_id: Not a valid string' },
  {
    route: 'pixelTrack',
    path: 'properties.__proto__',
    value: { polluted: true },
    message: 'properties.__proto__: Unknown field'
  },
  { route: 'pixelTrack', path: 'type', value: 'track', message: 'type: Unknown field' },
  // pixel, batch
  { route: 'pixelBatch', path: 'batch', value: undefined, message: 'batch: Missing data for required field' },
  { route: 'pixelBatch', path: 'batch', value: [], message: 'batch: Length must be between 1 and 1000' },
  {
    route: 'pixelBatch',
    path: 'batch',
    value: Array.from({ length: 1001 }, () => batchItem(0)),
    message: 'batch: Length must be between 1 and 1000'
  },
  { route: 'pixelBatch', path: 'batch', value: batchItem(0), message: 'batch: Not a valid list' },
  { route: 'pixelBatch', path: 'event', value: 'Purchase', message: 'event: Unknown field' },
  { route: 'pixelBatch', path: 'batch.1', value: null, message: 'Batch.1: Field may not be null' },
  { route: 'pixelBatch', path: 'batch.2.type', value: 'identify', message: 'Batch.2.type: Must be "track"' },
  {
    route: 'pixelBatch',
    path: 'batch.2.type',
    value: undefined,
    message: 'Batch.2.type: Missing data for required field'
  },
  { route: 'pixelBatch', path: 'batch.3.event', value: 'Login', message: 'Batch.3.event: Not a standard web event' },
  {
    route: 'pixelBatch',
    path: 'batch.3.properties.currency',
    value: 'XXX',
    message: 'Batch.3.properties.currency: Invalid currency'
  },
  {
    route: 'pixelBatch',
    path: 'batch.0.properties.contents.0.content_id',
    value: 42,
    message: 'Batch.0.properties.contents.0.content_id: Not a valid string'
  },
  { route: 'pixelBatch', path: 'batch.1.event_id', value: 9, message: 'Batch.1.event_id: Not a valid string' },
  {
    route: 'pixelBatch',
    path: 'batch.1.context.user.email',
    value: 'ALICE@EXAMPLE.COM',
    message: 'Batch.1.context.user.email: Not a valid SHA-256 hash'
  },
  {
    route: 'pixelBatch',
    path: 'batch.2.timestamp',
    value: FUTURE_ISO,
    message: 'Batch.2.timestamp: Must not be more than 5 minutes in the future'
  },
  { route: 'pixelBatch', path: 'batch.2.pixel_code', value: PIXEL, message: 'Batch.2.pixel_code: Unknown field' },
  // Events API 2.0
  {
    route: 'eventTrack',
    path: 'event_source',
    value: 'store',
    message: 'event_source: Must be one of: web, app, offline, crm'
  },
  // A web event's page has no place in an app request.
  { route: 'eventTrack', path: 'event_source', value: 'app', message: 'data.0.page: Unknown field' },
  {
    route: 'eventTrack',
    path: 'event_source',
    value: undefined,
    message: 'event_source: Missing data for required field'
  },
  {
    route: 'eventTrack',
    path: 'event_source_id',
    value: undefined,
    message: 'event_source_id: Missing data for required field'
  },
  { route: 'eventTrack', path: 'data', value: [], message: 'data: Length must be between 1 and 1000' },
  {
    route: 'eventTrack',
    path: 'data',
    value: Array.from({ length: 1001 }, (_, i) => events2Item(i)),
    message: 'data: Length must be between 1 and 1000'
  },
  {
    route: 'eventTrack',
    path: 'data.3.event_time',
    value: undefined,
    message: 'data.3.event_time: Missing data for required field'
  },
  {
    route: 'eventTrack',
    path: 'data.3.event_time',
    value: '1748779140',
    message: 'data.3.event_time: Not a valid integer (unix seconds)'
  },
  {
    route: 'eventTrack',
    path: 'data.3.event_time',
    value: 1748779140.5,
    message: 'data.3.event_time: Not a valid integer (unix seconds)'
  },
  {
    route: 'eventTrack',
    path: 'data.3.event_time',
    value: NOW,
    message: 'data.3.event_time: Must not be more than 5 minutes in the future'
  },
  {
    route: 'eventTrack',
    path: 'data.0.event',
    value: 'Page View',
    message: 'data.0.event: Not a standard web event or a valid custom event name'
  },
  { route: 'eventTrack', path: 'data.0.event_id', value: 1, message: 'data.0.event_id: Not a valid string' },
  {
    route: 'eventTrack',
    path: 'data.0.user.email',
    value: [EMAIL_HASH, 'bob@example.com'],
    message: 'data.0.user.email.1: Not a valid SHA-256 hash'
  },
  {
    route: 'eventTrack',
    path: 'data.0.user.phone',
    value: '+33612345678',
    message: 'data.0.user.phone: Not a valid SHA-256 hash'
  },
  {
    route: 'eventTrack',
    path: 'data.0.user.external_id',
    value: [null],
    message: 'data.0.user.external_id.0: Field may not be null'
  },
  {
    route: 'eventTrack',
    path: 'data.0.user.phone_number',
    value: PHONE_HASH,
    message: 'data.0.user.phone_number: Unknown field'
  },
  { route: 'eventTrack', path: 'data.0.user.ttclid', value: 5, message: 'data.0.user.ttclid: Not a valid string' },
  { route: 'eventTrack', path: 'data.0.user.locale', value: 5, message: 'data.0.user.locale: Not a valid string' },
  { route: 'eventTrack', path: 'data.0.user.ip', value: 5, message: 'data.0.user.ip: Not a valid string' },
  { route: 'eventTrack', path: 'data.0.page.url', value: 5, message: 'data.0.page.url: Not a valid string' },
  {
    route: 'eventTrack',
    path: 'data.0.limited_data_use',
    value: 'false',
    message: 'data.0.limited_data_use: Not a valid boolean'
  },
  { route: 'eventTrack', path: 'data.0.context', value: {}, message: 'data.0.context: Unknown field' },
  {
    route: 'eventTrack',
    path: 'data.2.properties.contents.0.quantity',
    value: -1,
    message: 'data.2.properties.contents.0.quantity: Must be a positive integer'
  },
  {
    route: 'eventTrack',
    path: 'data.2.properties.value',
    value: '10',
    message: 'data.2.properties.value: Not a valid number'
  },
  { route: 'eventTrack', path: 'data.1', value: [], message: 'data.1: Not a valid object' }
]
