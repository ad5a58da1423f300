import nock from 'nock'
import { PayloadValidationError } from '@segment/actions-core'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { purchaseV1, purchaseV2, TS_ISO, TS_MS, UA } from '../fixtures/events'
import {
  expectedSingleBody,
  interceptTikTok,
  sendThroughPreset,
  settings,
  sha,
  TOKEN,
  trackPath,
  type ExpectedEvent,
  type Format
} from '../helpers'

// Every rule of the product page's field mapping, stated once and asserted in both wire formats.

const FORMATS: Format[] = ['pixel', 'events_2_0']

const page = { url: 'https://shop.example/checkout/done', referrer: 'https://shop.example/checkout' }
const contents = [
  {
    content_id: 'SKU-1',
    content_type: 'product',
    content_name: 'Trail shoe',
    content_category: 'Shoes',
    price: 24.95,
    quantity: 2
  },
  // A numeric item id goes out as a string (TikTok: 40002 Not a valid string); the item's own content_type wins.
  {
    content_id: '42',
    content_type: 'product_group',
    content_name: 'Socks',
    content_category: 'Accessories',
    price: 10,
    quantity: 1
  }
]
const fullPurchase = (event_id: string): ExpectedEvent => ({
  event: 'CompletePayment',
  event_id,
  time: TS_ISO,
  user: {
    external_id: sha('user_123'),
    email: sha('alice_abc@gmail.com'),
    phone: sha('+33612345678'),
    ttp: 'ttp-partner'
  },
  ttclid: 'E.C.P.partner',
  ip: '203.0.113.7',
  user_agent: UA,
  page,
  properties: { contents, content_type: 'product', currency: 'EUR', value: 59.9, description: 'purchase' },
  // The page layout's properties.id is both the event id and the transaction id; the current layout has no `id` here.
  order_id: event_id.startsWith('evt-v1') ? event_id : undefined,
  brands: ['Acme']
})

type Case = {
  name: string
  event: CommandersActEvent
  settings?: Partial<Settings>
  expected: ExpectedEvent
}

function v1(edit: (e: CommandersActEvent & Required<Pick<CommandersActEvent, 'properties'>>) => void) {
  const e = purchaseV1() as CommandersActEvent & Required<Pick<CommandersActEvent, 'properties'>>
  edit(e)
  return e
}
const base = fullPurchase('evt-v1-0001')

const cases: Case[] = [
  { name: 'page layout (HTTP API 1.0): every row of the field table', event: purchaseV1(), expected: base },
  {
    name: 'current layout (context.*, user, items at the root)',
    event: purchaseV2(),
    expected: fullPurchase('evt-v2-0001')
  },
  {
    name: '[5][6] ttp and ttclid from cookies when partners.tiktok is empty',
    event: v1((e) => delete e.partners),
    expected: { ...base, user: { ...base.user, ttp: 'ttp-cookie' }, ttclid: 'E.C.P.fromcookie' }
  },
  {
    name: '[6] ttclid from page.location.href when neither partner nor cookie has it',
    event: v1((e) => {
      delete e.partners
      e.device = { ip: '203.0.113.7', user_agent: UA }
    }),
    expected: { ...base, user: { ...base.user, ttp: undefined }, ttclid: 'E.C.P.fromurl' }
  },
  {
    name: '[6] ttclid from page.url when page.location.href has none',
    event: v1((e) => {
      delete e.partners
      e.device = { ip: '203.0.113.7', user_agent: UA }
      e.page = { url: 'https://shop.example/p?utm_source=tt&ttclid=E.C.P.pageurl#top', referrer: page.referrer }
    }),
    expected: {
      ...base,
      user: { ...base.user, ttp: undefined },
      ttclid: 'E.C.P.pageurl',
      page: { url: 'https://shop.example/p?utm_source=tt&ttclid=E.C.P.pageurl#top', referrer: page.referrer }
    }
  },
  {
    name: "[5][6] cookies are read by name, whatever the spaces around it; a query's parameter names are decoded",
    event: v1((e) => {
      delete e.partners
      e.device = { ip: '203.0.113.7', user_agent: UA, cookie: 'a=1;  _ttp = ttp-spaced ;b=2' }
      e.page = { ...page, location: { href: 'https://shop.example/p?x=1&tt%63lid=E.C.P.encoded' } }
    }),
    expected: { ...base, user: { ...base.user, ttp: 'ttp-spaced' }, ttclid: 'E.C.P.encoded' }
  },
  {
    name: 'value 0 is kept; currency is upper-cased',
    event: v1((e) => {
      e.properties.value = 0
      e.properties.currency = 'eur'
    }),
    expected: { ...base, properties: { ...base.properties, value: 0 } }
  },
  {
    name: "empty values are omitted, never sent as '', null or []",
    event: v1((e) => {
      e.properties.items = []
      e.properties.search_term = ''
      e.properties.currency = null
      e.page = { url: page.url, referrer: '' }
    }),
    expected: {
      ...base,
      page: { url: page.url },
      properties: { content_type: 'product', value: 59.9, description: 'purchase' }
    }
  },
  {
    name: '[4] content_type from properties.content_type; items fall back on product.id',
    event: v1((e) => {
      e.properties.content_type = 'product_group'
      e.properties.items = [{ quantity: 3, product: { id: 'SKU-9', price: '7.5' } }]
    }),
    expected: {
      ...base,
      properties: {
        ...base.properties,
        content_type: 'product_group',
        contents: [{ content_id: 'SKU-9', content_type: 'product', price: 7.5, quantity: 3 }]
      },
      brands: []
    }
  },
  {
    name: "an item's own price is not read: the product's price is the unit price, as the field table says",
    event: v1((e) => {
      const [first, second] = e.properties.items as Record<string, unknown>[]
      e.properties.items = [{ ...first, price: 999 }, second]
    }),
    expected: base
  },
  {
    name: 'container values in text are read as the framework reads typed fields ("24.95", "2", "true")',
    event: v1((e) => {
      e.properties.value = '59.90'
      e.properties.items = [{ id: 'SKU-1', quantity: '2', product: { name: 'Trail shoe', price: ' 24.95 ' } }]
      // A CSV import or a tag writes every value as text.
      e.partners = { tiktok: { ttp: 'ttp-partner', ttclid: 'E.C.P.partner', ldu: 'true' as unknown as boolean } }
    }),
    expected: {
      ...base,
      properties: {
        ...base.properties,
        contents: [
          { content_id: 'SKU-1', content_type: 'product', content_name: 'Trail shoe', price: 24.95, quantity: 2 }
        ]
      },
      limited_data_use: true,
      brands: []
    }
  },
  {
    name: "the current layout's top-level values fill what its properties object lacks; the object's own win",
    event: { ...purchaseV2(), properties: { currency: 'usd' }, value: 12 },
    expected: {
      ...fullPurchase('evt-v2-0001'),
      properties: { ...fullPurchase('evt-v2-0001').properties, currency: 'USD', value: 12 }
    }
  },
  {
    name: 'the device of the current layout (context.device) when the event has no device',
    event: v1((e) => {
      e.context = { device: e.device }
      delete e.device
    }),
    expected: base
  },
  {
    name: "the page layout's page, device, time and id win over those of a context the event also carries",
    event: v1((e) => {
      e.context = {
        page: { url: 'https://elsewhere.example/', referrer: 'https://elsewhere.example/in' },
        device: { ip: '198.51.100.1', user_agent: 'Other/1.0' },
        event_timestamp: TS_MS - 60_000,
        event_id: 'ctx-id'
      }
    }),
    expected: base
  },
  {
    name: 'search_term -> query',
    event: { ...v1((e) => (e.properties.search_term = 'trail shoes')), event_name: 'search' },
    expected: {
      ...base,
      event: 'Search',
      properties: { ...base.properties, query: 'trail shoes', description: 'search' }
    }
  },
  {
    name: '[1] timestamp from epoch seconds',
    event: { ...purchaseV1(), event_timestamp: TS_MS / 1000 },
    expected: base
  },
  {
    name: '[1] timestamp from a numeric string',
    event: { ...purchaseV1(), event_timestamp: String(TS_MS) },
    expected: base
  },
  {
    name: '[1] timestamp from an ISO string with an offset',
    event: { ...purchaseV1(), event_timestamp: '2024-11-25T03:00:00+01:00' },
    expected: base
  },
  {
    name: '[3] User Identifier setting picks the user property for external_id',
    event: v1((e) => ((e.properties.user as Record<string, unknown>).customer_id = 'C-778')),
    settings: { userIdentifier: 'customer_id' },
    expected: { ...base, user: { ...base.user, external_id: sha('C-778') } }
  },
  {
    name: '[3] an already hashed id passes through (lower-cased), a pre-hashed twin is used',
    event: v1((e) => (e.properties.user = { id_sha256: sha('user_123').toUpperCase() })),
    expected: { ...base, user: { external_id: sha('user_123'), ttp: 'ttp-partner' } }
  },
  {
    name: '[1] User Email Field email_md5: the MD5 is SHA-256 hashed',
    event: v1((e) => (e.properties.user = { email: 'a@b.c', email_md5: '0cc175b9c0f1b6a831c399e269772661' })),
    settings: { userEmailField: 'email_md5' },
    expected: { ...base, user: { email: sha('0cc175b9c0f1b6a831c399e269772661'), ttp: 'ttp-partner' } }
  },
  {
    name: 'User Email Field email_sha256 passes through',
    event: v1((e) => (e.properties.user = { email: 'a@b.c', email_sha256: sha('a@b.c') })),
    settings: { userEmailField: 'email_sha256' },
    expected: { ...base, user: { email: sha('a@b.c'), ttp: 'ttp-partner' } }
  },
  {
    name: 'the chosen email property is absent: another present one is used',
    event: v1((e) => (e.properties.user = { email: ' Bob@Example.COM' })),
    settings: { userEmailField: 'email_sha256' },
    expected: { ...base, user: { email: sha('bob@example.com'), ttp: 'ttp-partner' } }
  },
  {
    name: 'phone in 00 international format becomes E.164 before hashing',
    event: v1((e) => (e.properties.user = { phone: '0033612345678' })),
    expected: { ...base, user: { phone: sha('+33612345678'), ttp: 'ttp-partner' } }
  },
  {
    name: 'a phone that cannot be made E.164 is dropped, the event is still sent',
    event: v1((e) => (e.properties.user = { id: 'user_123', phone: '06 12 34 56 78' })),
    expected: { ...base, user: { external_id: sha('user_123'), ttp: 'ttp-partner' } }
  },
  {
    name: 'Limited Data Use from partners.tiktok.ldu (Events API 2.0 only)',
    event: v1((e) => (e.partners = { tiktok: { ttp: 'ttp-partner', ttclid: 'E.C.P.partner', ldu: true } })),
    expected: { ...base, limited_data_use: true }
  }
]

afterEach(() => nock.cleanAll())

describe.each(FORMATS)('field mapping, %s format', (format) => {
  it.each(cases)('$name', async ({ event, settings: extra, expected }) => {
    const { scope, captured } = interceptTikTok(trackPath(format))
    await sendThroughPreset(event, settings({ ...extra, apiFormat: format }))
    expect(scope.isDone()).toBe(true)
    expect(captured.body).toEqual(expectedSingleBody(format, expected))
  })

  it('sends the token only in the Access-Token header, and the test event code when set', async () => {
    const { captured } = interceptTikTok(trackPath(format))
    await sendThroughPreset(purchaseV1(), settings({ apiFormat: format, testEventCode: 'TEST123' }))
    expect(captured.body).toEqual(expectedSingleBody(format, base, 'TEST123'))
    expect(captured.headers['access-token']).toBe(TOKEN)
    expect(captured.headers['content-type']).toBe('application/json')
    expect(JSON.stringify(captured.body)).not.toContain(TOKEN)
  })

  it.each([
    // The pixel format takes no custom event; Events API 2.0 takes them when they follow TikTok's naming rules.
    format === 'pixel'
      ? [
          'a custom event name',
          { event: 'MyCustomEvent' },
          {},
          /event: "MyCustomEvent" is not a TikTok standard web event/
        ]
      : [
          'a malformed custom event name',
          { event: '1st custom!' },
          {},
          /event: "1st custom!" is neither .* custom event name/
        ],
    ['an unreadable date', {}, { event_timestamp: 'last tuesday' }, /timestamp: "last tuesday" is not a date/],
    ['a future date', {}, { event_timestamp: Date.now() + 3_600_000 }, /timestamp: .* is in the future/],
    ['a currency TikTok does not know', {}, { currency: 'EURO' }, /currency: "EURO" is not a currency TikTok accepts/],
    ['a content type outside the enum', {}, { content_type: 'service' }, /content_type: "service" must be product/],
    ['a fractional quantity', {}, { items: [{ id: 'A', quantity: 1.5 }] }, /items\.0\.quantity: must be a whole/],
    // A container's values are checked as the framework checks a typed field, and named the same way.
    [
      'a price that is no number',
      {},
      { items: [{ id: 'A', product: { price: '12,50' } }] },
      /items\.0\.product\.price: "12,50" is not a number/
    ],
    [
      'a product that is no object',
      {},
      { items: [{ id: 'A', product: 'shoe' }] },
      /items\.0\.product: must be a product/
    ],
    ['a user that is no object', {}, { user: 'bob' }, /properties\.user: must be a user \(an object\), not "bob"/],
    [
      'an email that is an object',
      {},
      { user: { email: { address: 'a@b.c' } } },
      /user\.email: must be text, not an object/
    ],
    [
      'an ip that is a list',
      {},
      { context: { device: { ip: ['203.0.113.7'] } } },
      /device\.ip: must be text, not a list/
    ],
    [
      'a Context event_timestamp that is an object',
      {},
      { context: { ...purchaseV2().context, event_timestamp: { ms: TS_MS } } },
      /context\.event_timestamp: an object is not a date/
    ],
    [
      'a Limited Data Use that is no flag',
      {},
      { partners: { tiktok: { ldu: 'maybe' } } },
      /tiktok_partner\.ldu: "maybe" is neither true nor false/
    ]
  ])('refuses %s with a PayloadValidationError, before any request', async (_, mapping, edit, message) => {
    const event = purchaseV2()
    Object.assign(event, edit)
    const scope = nock('https://business-api.tiktok.com').post(/.*/).reply(200, {})
    const sending = sendThroughPreset(event, settings({ apiFormat: format }), mapping)
    await expect(sending).rejects.toThrow(PayloadValidationError)
    await expect(sendThroughPreset(event, settings({ apiFormat: format }), mapping)).rejects.toThrow(message)
    expect(scope.isDone()).toBe(false)
  })
})

describe('time of an event without a timestamp', () => {
  it('pixel: omitted, so TikTok uses the time it receives the event', async () => {
    const { captured } = interceptTikTok(trackPath('pixel'))
    const event = purchaseV1()
    delete event.event_timestamp
    await sendThroughPreset(event, settings())
    expect(captured.body).toEqual(expectedSingleBody('pixel', { ...base, time: undefined }))
  })

  it('Events API 2.0: the time it is sent, in unix seconds (required by that format)', async () => {
    const { captured } = interceptTikTok(trackPath('events_2_0'))
    const event = purchaseV1()
    delete event.event_timestamp
    const before = Math.floor(Date.now() / 1000)
    await sendThroughPreset(event, settings({ apiFormat: 'events_2_0' }))
    const after = Math.floor(Date.now() / 1000)
    const data = (captured.body as { data: Array<{ event_time: number }> }).data
    expect(data[0].event_time).toBeGreaterThanOrEqual(before)
    expect(data[0].event_time).toBeLessThanOrEqual(after)
    expect(captured.body).toEqual(
      expectedSingleBody('events_2_0', { ...base, time: new Date(data[0].event_time * 1000).toISOString() })
    )
  })
})
