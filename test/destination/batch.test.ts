import nock from 'nock'
import type { JSONObject } from '@segment/actions-core'
import { purchaseV1, purchaseV2, simpleEvent, TS_ISO } from '../fixtures/events'
import {
  batchPath,
  expectedBatchBody,
  frameworkEvent,
  interceptTikTok,
  presetMapping,
  settings,
  sha,
  testDestination,
  TIKTOK,
  TOKEN,
  type ExpectedEvent,
  type Format
} from '../helpers'
import type { CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'

// performBatch through the framework's own batch path, one result per event.

async function sendBatch(events: CommandersActEvent[], s: Settings, mapping: JSONObject = {}) {
  const destination = testDestination()
  await destination.testBatchAction('reportWebEvent', {
    events: events.map((e) => frameworkEvent(e) as never),
    mapping: { ...presetMapping('purchase'), ...mapping },
    settings: s
  })
  return destination.results[0].multistatus ?? []
}

const addToCart = (id: string): CommandersActEvent => ({
  event_name: 'add_to_cart',
  event_timestamp: TS_ISO,
  properties: {
    id,
    value: 24.95,
    currency: 'EUR',
    user: { id: `u-${id}` },
    items: [{ id: 'SKU-1', quantity: 1, product: { price: 24.95 } }]
  },
  page: { url: 'https://shop.example/p/sku-1' },
  device: { ip: '203.0.113.9' }
})
const expectedCart = (id: string): ExpectedEvent => ({
  event: 'CompletePayment', // the batch is mapped with the purchase preset
  event_id: id,
  time: TS_ISO,
  user: { external_id: sha(`u-${id}`) },
  ip: '203.0.113.9',
  page: { url: 'https://shop.example/p/sku-1' },
  properties: {
    contents: [{ content_id: 'SKU-1', content_type: 'product', price: 24.95, quantity: 1 }],
    content_type: 'product',
    currency: 'EUR',
    value: 24.95,
    description: 'add_to_cart'
  },
  order_id: id
})
const itemKey = (format: Format) => (format === 'pixel' ? 'batch' : 'data')
const blame = (format: Format, i: number) => (format === 'pixel' ? `Batch.${i}.` : `data.${i}.`)

afterEach(() => nock.cleanAll())

describe.each<Format>(['pixel', 'events_2_0'])('batch delivery, %s format', (format) => {
  const s = settings({ apiFormat: format, testEventCode: 'TEST42' })

  it('sends every event in one request and reports each as delivered with what was sent', async () => {
    const { scope, captured } = interceptTikTok(batchPath(format))
    const results = await sendBatch([addToCart('a'), addToCart('b'), addToCart('c')], s)
    expect(scope.isDone()).toBe(true)
    const expected = expectedBatchBody(format, [expectedCart('a'), expectedCart('b'), expectedCart('c')], 'TEST42')
    expect(captured.body).toEqual(expected)
    expect(captured.headers['access-token']).toBe(TOKEN)
    const items = (expected as unknown as Record<string, unknown[]>)[itemKey(format)]
    expect(results).toEqual(
      items.map((sent) => ({ status: 200, sent, body: { code: 0, message: 'OK', request_id: 'req-ok', data: {} } }))
    )
  })

  it('an invalid event gets its own validation error and does not stop the others', async () => {
    const bad = addToCart('b')
    ;(bad.properties as Record<string, unknown>).currency = 'XXX'
    const { captured } = interceptTikTok(batchPath(format))
    const results = await sendBatch([addToCart('a'), bad, addToCart('c')], s)
    expect(captured.body).toEqual(expectedBatchBody(format, [expectedCart('a'), expectedCart('c')], 'TEST42'))
    expect(results.map((r) => r.status)).toEqual([200, 400, 200])
    expect(results[1]).toMatchObject({
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: expect.stringMatching(/currency: "XXX"/)
    })
  })

  it('an item TikTok blames is marked with its message; the others are resent without it', async () => {
    const message = `${blame(format, 1)}properties.contents.0.content_id: Not a valid string`
    const first = interceptTikTok(batchPath(format), { code: 40002, message, request_id: 'r-bad' })
    const second = interceptTikTok(batchPath(format), { code: 0, message: 'OK', request_id: 'r-ok2', data: {} })
    const results = await sendBatch([addToCart('a'), addToCart('b'), addToCart('c')], s)
    expect(first.captured.body).toEqual(
      expectedBatchBody(format, [expectedCart('a'), expectedCart('b'), expectedCart('c')], 'TEST42')
    )
    expect(second.captured.body).toEqual(expectedBatchBody(format, [expectedCart('a'), expectedCart('c')], 'TEST42'))
    expect(results.map((r) => r.status)).toEqual([200, 400, 200])
    expect(results[1]).toMatchObject({
      errortype: 'BAD_REQUEST',
      errormessage: expect.stringContaining(message),
      body: { code: 40002, message, request_id: 'r-bad' }
    })
    expect(results[0]).toMatchObject({ body: { request_id: 'r-ok2' } })
  })

  it('20001 (partial success): the events TikTok names are refused, the others delivered, nothing resent', async () => {
    const message = `${blame(format, 2)}properties.currency: Invalid currency`
    const { scope } = interceptTikTok(batchPath(format), { code: 20001, message, request_id: 'r-part' })
    const results = await sendBatch([addToCart('a'), addToCart('b'), addToCart('c')], s)
    expect(scope.isDone()).toBe(true)
    expect(results.map((r) => r.status)).toEqual([200, 200, 400])
    expect(results[2]).toMatchObject({ errormessage: expect.stringContaining('TikTok refused some events') })
  })

  it('20001 naming no event: none is counted delivered, all are left retryable', async () => {
    interceptTikTok(batchPath(format), { code: 20001, message: 'Partial success', request_id: 'r-part' })
    const results = await sendBatch([addToCart('a'), addToCart('b')], s)
    expect(results.map((r) => [r.status, 'errortype' in r && r.errortype])).toEqual([
      [500, 'RETRYABLE_ERROR'],
      [500, 'RETRYABLE_ERROR']
    ])
  })

  it('stops resending after three rounds of blame; the blameless rest is left retryable', async () => {
    const blameFirst = (request_id: string) => ({
      code: 40002,
      message: `${blame(format, 0)}properties.currency: Invalid currency`,
      request_id
    })
    const rounds = ['r1', 'r2', 'r3'].map((id) => interceptTikTok(batchPath(format), blameFirst(id)))
    const results = await sendBatch(['a', 'b', 'c', 'd'].map(addToCart), s)
    expect(rounds.map((r) => r.scope.isDone())).toEqual([true, true, true])
    const sizes = rounds.map((r) => (r.captured.body as Record<string, unknown[]>)[itemKey(format)].length)
    expect(sizes).toEqual([4, 3, 2])
    expect(results.map((r) => r.status)).toEqual([400, 400, 400, 500])
    expect(results[3]).toMatchObject({
      errortype: 'RETRYABLE_ERROR',
      errormessage: 'Not delivered: TikTok refused 3 batches in a row for other events.'
    })
  })

  it.each([
    ['HTTP 503', 503, { code: 50000, message: 'unavailable' }, 503, 'RETRYABLE_ERROR'],
    ['HTTP 429', 429, { code: 40100, message: 'slow down' }, 429, 'RETRYABLE_ERROR'],
    ['code 40100', 200, { code: 40100, message: 'Too many requests', request_id: 'r' }, 429, 'RETRYABLE_ERROR'],
    [
      'code 40105',
      200,
      { code: 40105, message: 'Access token is invalid', request_id: 'r' },
      401,
      'INVALID_AUTHENTICATION'
    ],
    [
      'code 40002 naming no item',
      200,
      { code: 40002, message: 'pixel_code: invalid', request_id: 'r' },
      400,
      'BAD_REQUEST'
    ]
  ])('a whole-request failure (%s) marks every event', async (_, status, reply, eventStatus, errortype) => {
    const { scope } = interceptTikTok(batchPath(format), reply, status)
    const results = await sendBatch([addToCart('a'), addToCart('b')], s)
    expect(scope.isDone()).toBe(true)
    expect(results).toHaveLength(2)
    for (const r of results) expect(r).toMatchObject({ status: eventStatus, errortype })
  })

  it('splits into requests of batch_size events', async () => {
    const bodies: unknown[] = []
    nock(TIKTOK)
      .post(batchPath(format), (b) => bodies.push(b) > 0)
      .times(3)
      .reply(200, { code: 0, message: 'OK', request_id: 'r' }, { 'content-type': 'application/json' })
    const events = ['a', 'b', 'c', 'd', 'e'].map(addToCart)
    const results = await sendBatch(events, s, { batch_size: 2 })
    expect(bodies.map((b) => (b as Record<string, unknown[]>)[itemKey(format)].length)).toEqual([2, 2, 1])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })

  it('refuses a batch size above what TikTok takes in one request, on every event', async () => {
    const results = await sendBatch([addToCart('a')], s, { batch_size: 5000 })
    expect(results[0]).toMatchObject({ status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED' })
    expect(results[0]).toMatchObject({ errormessage: 'Batch Size must be equal to or less than 1000.' })
  })

  it('carries 1,000 events in one request and 1,001 in two', async () => {
    const sizes: number[] = []
    nock(TIKTOK)
      .post(batchPath(format), (b) => sizes.push((b as Record<string, unknown[]>)[itemKey(format)].length) > 0)
      .times(2)
      .reply(200, { code: 0, message: 'OK', request_id: 'r' }, { 'content-type': 'application/json' })
    const events = Array.from({ length: 1001 }, (_, i) => simpleEvent('purchase', i % 2 ? 'v1' : 'v2', `e${i}`))
    const results = await sendBatch(events, s, { batch_size: 1000 })
    expect(sizes).toEqual([1000, 1])
    expect(results.filter((r) => r.status === 200)).toHaveLength(1001)
  })

  it('reads both Commanders Act layouts in one batch', async () => {
    const { captured } = interceptTikTok(batchPath(format))
    await sendBatch([purchaseV1(), purchaseV2()], s)
    const items = (captured.body as Record<string, Array<Record<string, unknown>>>)[itemKey(format)]
    expect(items.map((i) => i.event_id)).toEqual(['evt-v1-0001', 'evt-v2-0001'])
  })
})
