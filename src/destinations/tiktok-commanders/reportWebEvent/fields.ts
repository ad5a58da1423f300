import type { InputField } from '@segment/actions-core'
import { MAX_EVENTS_PER_REQUEST } from '../tiktok/constants'

// Every default reads the product page's layout first (Commanders Act HTTP API 1.0: `properties.user.email`,
// `page.url`, `device.ip`) and falls back to the current layout (`user.email`, `context.page.url`,
// `context.device.ip`), so events of either kind work without re-mapping. The current layout's `context` is read once,
// as the Context container: Page, Device, App and Event Time take its value when empty.
//
// The framework resolves every default of every event, one directive at a time, then copies, cleans and validates
// the payload value by value, and that is most of the CPU an event costs. So a Commanders Act container (the page,
// the device, the user, the items, the event's properties, partners.tiktok) is read once, as an object field, rather
// than once per value in it; the value fields it feeds (Page URL, IP Address, Currency, Contents, ...) have no default
// of their own, and take the container's value when they are empty. The containers list no properties of their own:
// the framework would copy, clean and validate each one for every event. The destination reads their values itself,
// with the same rules (a number or true/false in text is read as one) and errors that name the value at fault.
// Mappings saved with the earlier per-value defaults set the value fields, so they send what they always sent.

export const event: InputField = {
  label: 'Event Name',
  description:
    "The TikTok event to report (for example CompletePayment). A web name is sent under TikTok's app name for app events (CompleteRegistration becomes Registration, CompletePayment Purchase, InitiateCheckout Checkout, SubmitForm and Lead GenerateLead). With Events API 2.0, web, app and CRM events may also carry a custom name (letters, digits, _ and -, at most 50 characters, starting with a letter): custom events serve reporting and audiences, not optimisation. The pixel format and offline events take standard names only.",
  type: 'string',
  required: true,
  dynamic: true
}

export const event_id: InputField = {
  label: 'Event ID',
  description:
    "The event's own unique id. TikTok merges a browser pixel event and a server event that share the same event name and event ID within 48 hours, so it must be the id the page tag also sends.",
  type: 'string',
  // A fallback of its own rather than Context's: the event id belongs in the mapped payload the studio and the runner
  // show, in both layouts.
  default: {
    '@if': {
      exists: { '@path': '$.properties.id' },
      then: { '@path': '$.properties.id' },
      else: { '@path': '$.context.event_id' }
    }
  }
}

export const timestamp: InputField = {
  label: 'Event Time',
  description:
    'When the event happened: epoch milliseconds, epoch seconds or an ISO 8601 date. Sent to TikTok as ISO 8601. When empty, the event_timestamp of Context; without one, TikTok uses the time it receives the event.',
  type: 'string',
  default: { '@path': '$.event_timestamp' }
}

export const page: InputField = {
  label: 'Page',
  description:
    'The Commanders Act page the event happened on: its url, referrer and location.href (the full address) fill Page URL, Page Referrer and Landing URL when those are empty. When empty, the page of Context.',
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  default: { '@path': '$.page' }
}

export const page_url: InputField = {
  label: 'Page URL',
  description: 'The URL of the page where the event happened. When empty, the url of Page.',
  type: 'string'
}

export const referrer: InputField = {
  label: 'Page Referrer',
  description: 'The URL of the page the visitor came from. When empty, the referrer of Page.',
  type: 'string'
}

export const landing_url: InputField = {
  label: 'Landing URL',
  description:
    'The full page location, read for the ttclid query parameter TikTok adds to ad landing pages when neither the TikTok Click ID field nor the ttclid cookie has one. When empty, the location.href of Page.',
  type: 'string'
}

export const ip: InputField = {
  label: 'IP Address',
  description:
    "The visitor's IP address (IPv4 or IPv6). Sent unhashed, as TikTok requires. When empty, the ip of Device.",
  type: 'string'
}

export const user_agent: InputField = {
  label: 'User Agent',
  description:
    "The visitor's browser user agent. Sent unhashed, as TikTok requires. When empty, the user_agent of Device.",
  type: 'string'
}

export const cookie: InputField = {
  label: 'Cookies',
  description:
    'The raw Cookie header collected with the event. The _ttp cookie (TikTok browser id) and the ttclid cookie (TikTok click id) are read from it when the TikTok partner fields are empty. When empty, the cookie of Device.',
  type: 'string'
}

export const user: InputField = {
  label: 'User',
  description:
    'The Commanders Act user. When empty, the user of Event Properties (properties.user, else the user at the top of the event). The property named by the User Identifier setting (id by default) becomes the external id, the one named by User Email Field (email, email_md5 or email_sha256) the email, and phone the phone number: E.164 (+33612345678) or international (0033…), national (06…) with the Default Phone Country setting; each may hold several values. With Events API 2.0, firstname, lastname and zipcode are sent too, and city, state and country unhashed. Every personal value is SHA-256 hashed before leaving, unless already SHA-256.',
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue'
}

export const tiktok_partner: InputField = {
  label: 'TikTok Partner Fields',
  description:
    'What the Commanders Act tag, SDK or import sets for TikTok (partners.tiktok): its ttp, ttclid, ldu (true or false), event_source, shop_id, lead_id and lead_event_source fill the fields of the same meaning when those are empty.',
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  default: { '@path': '$.partners.tiktok' }
}

export const event_source: InputField = {
  label: 'Event Source',
  description:
    'Where the event happened: web, app, offline (a shop, a call centre) or crm. Empty: app when the TikTok App ID is set and the event comes from a Commanders Act mobile SDK (context.app), web otherwise. App, offline and CRM events go to Events API 2.0 with the App ID, Offline Event Set ID or CRM Event Set ID setting. Read from TikTok Partner Fields (event_source) when empty.',
  type: 'string'
}

export const app: InputField = {
  label: 'App',
  description:
    'The app an app event comes from; when empty, the app of Context (its namespace, name and version). App ID is the store id TikTok expects: the numeric App Store id on iOS (the Commanders Act SDK sends the bundle id by default: map your App Store id here if it differs), the package name on Android. Required for app events.',
  type: 'object',
  additionalProperties: false,
  properties: {
    app_id: { label: 'App ID (store id)', type: 'string' },
    app_name: { label: 'App Name', type: 'string' },
    app_version: { label: 'App Version', type: 'string' }
  }
}

export const device: InputField = {
  label: 'Device',
  description:
    'The browser or device the event comes from, as Commanders Act collects it; when empty, the device of Context. Its ip, user_agent and cookie fill IP Address, User Agent and Cookies when those are empty. For app events, on iOS (type ios) advertising_id is sent as the IDFA and idfv as the IDFV; on Android (type android) advertising_id is sent as the GAID; all-zero ids (no consent) are never sent. The ATT status is att_status (AUTHORIZED, DENIED, NOT_DETERMINED, RESTRICTED or NOT_APPLICABLE), else derived on iOS from ad_tracking_enabled (true or false). The locale is language and region (en + US = en-US), or lang.',
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  default: { '@path': '$.device' }
}

export const context: InputField = {
  label: 'Context',
  description:
    "Where the current Commanders Act layout keeps what the product page's layout has at the top of the event (context): its page, device, app and event_timestamp fill Page, Device, App and Event Time when those are empty.",
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  default: { '@path': '$.context' }
}

export const lead_id: InputField = {
  label: 'Lead ID',
  description:
    'The id of the lead in your CRM. Required for CRM events. When empty, the lead_id of TikTok Partner Fields.',
  type: 'string'
}

export const lead_event_source: InputField = {
  label: 'Lead Source',
  description:
    'The CRM the lead lives in, for example Salesforce or HubSpot. CRM events only. When empty, the lead_event_source of TikTok Partner Fields.',
  type: 'string'
}

export const ttp: InputField = {
  label: 'TikTok Browser ID (_ttp)',
  description:
    'The _ttp cookie value set by the TikTok pixel. When empty, the ttp of TikTok Partner Fields, then the _ttp cookie read from Cookies.',
  type: 'string'
}

export const ttclid: InputField = {
  label: 'TikTok Click ID (ttclid)',
  description:
    'The ttclid TikTok appends to ad landing pages. When empty, the ttclid of TikTok Partner Fields, then the ttclid cookie, then the ttclid query parameter of the landing URL, then of the page URL.',
  type: 'string'
}

export const items: InputField = {
  label: 'Items',
  description:
    "The products of the event as Commanders Act sends them. When Contents is empty, each item becomes a content: its id (else its product's id) the Content ID, its quantity and content_type, and its product's price, name, category_1 and brand. When empty, the items of Event Properties.",
  type: 'object',
  multiple: true,
  additionalProperties: true,
  defaultObjectUI: 'keyvalue'
}

export const contents: InputField = {
  label: 'Contents',
  description:
    "The products of the event, as TikTok contents. Content IDs are sent as strings; Content Type defaults to the event Content Type (product). Each empty field is taken from the item's Product (its id, price, name, category_1 and brand). When empty, made from Items.",
  type: 'object',
  multiple: true,
  additionalProperties: false,
  properties: {
    content_id: { label: 'Content ID', type: 'string' },
    price: { label: 'Unit Price', type: 'number' },
    quantity: { label: 'Quantity', type: 'number' },
    content_type: { label: 'Content Type', description: 'product or product_group', type: 'string' },
    content_name: { label: 'Content Name', type: 'string' },
    content_category: { label: 'Content Category', type: 'string' },
    brand: { label: 'Brand', description: 'Events API 2.0 only.', type: 'string' },
    product: {
      label: 'Product',
      description: 'The Commanders Act product of the item: id, price, name, category_1 and brand.',
      type: 'object',
      additionalProperties: true
    }
  }
}

export const properties: InputField = {
  label: 'Event Properties',
  description:
    "The event's own properties, as Commanders Act sends them: its properties object (HTTP API 1.0), and the id, currency, value, search_term, content_type, items and user at the top of the event where that object has none (the current layout). These fill Order ID, Currency, Value, Search Query, Content Type, Items and User when those are empty.",
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  // One directive for both layouts, rather than a fallback per value: the event's top-level values, overridden by its
  // properties object's (the framework merges left to right).
  default: {
    '@merge': {
      direction: 'right',
      objects: [
        {
          id: { '@path': '$.id' },
          currency: { '@path': '$.currency' },
          value: { '@path': '$.value' },
          search_term: { '@path': '$.search_term' },
          content_type: { '@path': '$.content_type' },
          // The items and the user too: read here, each is copied once per event rather than once more as a field.
          items: { '@path': '$.items' },
          user: { '@path': '$.user' }
        },
        { '@path': '$.properties' }
      ]
    }
  }
}

export const content_type: InputField = {
  label: 'Content Type',
  description:
    'product or product_group, depending on how your TikTok product catalog is set up. When empty, the content_type of Event Properties, else product.',
  type: 'string'
}

export const currency: InputField = {
  label: 'Currency',
  description:
    'ISO 4217 code of the value (EUR, USD, ...). Needed with Value for value-based optimisation. When empty, the currency of Event Properties.',
  type: 'string'
}

export const value: InputField = {
  label: 'Value',
  description: 'The total value of the order or item(s). 0 is sent as 0. When empty, the value of Event Properties.',
  type: 'number'
}

export const description: InputField = {
  label: 'Description',
  description: 'A description of the event; defaults to the Commanders Act event name.',
  type: 'string',
  default: { '@path': '$.event_name' }
}

export const query: InputField = {
  label: 'Search Query',
  description: 'The text the visitor searched for. When empty, the search_term of Event Properties.',
  type: 'string'
}

export const order_id: InputField = {
  label: 'Order ID',
  description:
    'The transaction id: helps TikTok attribute web, app, offline and CRM conversions. Events API 2.0 only. When empty, the id of Event Properties.',
  type: 'string'
}

export const shop_id: InputField = {
  label: 'Shop ID',
  description: 'The shop the sale happened in. Events API 2.0 only. When empty, the shop_id of TikTok Partner Fields.',
  type: 'string'
}

export const custom_properties: InputField = {
  label: 'Custom Properties',
  description:
    "Your own event properties, added to TikTok's properties (Events API 2.0 only). They never replace a standard property of the same name. TikTok uses them for reporting and audiences.",
  type: 'object',
  additionalProperties: true,
  defaultObjectUI: 'keyvalue',
  properties: {}
}

export const limited_data_use: InputField = {
  label: 'Limited Data Use',
  description:
    'Flags the event for Limited Data Use (US state privacy laws). Sent only with the Events API 2.0 format; the pixel format has no such field. When empty, the ldu of TikTok Partner Fields.',
  type: 'boolean'
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
  page,
  page_url,
  referrer,
  landing_url,
  device,
  ip,
  user_agent,
  cookie,
  user,
  tiktok_partner,
  ttp,
  ttclid,
  items,
  contents,
  properties,
  content_type,
  currency,
  value,
  description,
  query,
  order_id,
  shop_id,
  custom_properties,
  event_source,
  app,
  context,
  lead_id,
  lead_event_source,
  limited_data_use,
  enable_batching,
  batch_size
}
