import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { DEFAULT_PIXEL_CODE, startEmulator, type Emulator } from '../../src/emulator'
import {
  DEFECTS,
  NOW,
  PATH_OF,
  events2Body,
  pixelBatchBody,
  pixelTrackBody,
  setPath,
  validBody,
  type Route
} from './fixtures'
import { post } from './http'

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ now: () => NOW })
})
afterAll(() => emulator.close())
beforeEach(() => emulator.reset())

describe('accepted requests', () => {
  test('a single pixel event is answered code 0 and recorded as received', async () => {
    const body = pixelTrackBody()
    const reply = await post(emulator, PATHS.pixelTrack, body)
    expect(reply.status).toBe(200)
    expect(reply.contentType).toBe('application/json')
    expect(reply.json).toEqual({ code: 0, message: 'OK', request_id: expect.any(String), data: {} })
    expect(emulator.received).toEqual([
      {
        format: 'pixel',
        pixelCode: DEFAULT_PIXEL_CODE,
        event: 'CompletePayment',
        eventId: 'order-0',
        body,
        testEventCode: 'TEST123'
      }
    ])
    expect(emulator.requests).toEqual([
      { path: PATHS.pixelTrack, status: 200, code: 0, message: 'OK', events: 1, fault: 'ok' }
    ])
  })

  test('a pixel batch records every item, in order', async () => {
    const body = pixelBatchBody(3)
    const reply = await post(emulator, PATHS.pixelBatch, body)
    expect(reply.json?.code).toBe(0)
    expect(emulator.received.map((e) => [e.format, e.eventId])).toEqual([
      ['pixel', 'order-0'],
      ['pixel', 'order-1'],
      ['pixel', 'order-2']
    ])
    expect(emulator.received[1].body).toEqual((body.batch as unknown[])[1])
    expect(emulator.requests[0].events).toBe(3)
  })

  test('an Events API 2.0 request records every data item', async () => {
    const body = events2Body(2)
    const reply = await post(emulator, PATHS.eventTrack, body)
    expect(reply.json?.code).toBe(0)
    expect(emulator.received).toEqual([
      expect.objectContaining({
        format: 'events_2_0',
        pixelCode: DEFAULT_PIXEL_CODE,
        event: 'Purchase',
        eventId: 'order-0'
      }),
      expect.objectContaining({ format: 'events_2_0', eventId: 'order-1', testEventCode: 'TEST123' })
    ])
  })

  test('every reply carries its own request_id', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) ids.add((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json!.request_id)
    ids.add((await post(emulator, PATHS.pixelTrack, '{', {})).json!.request_id)
    expect(ids.size).toBe(6)
  })

  test('a query string on the path is ignored', async () => {
    expect((await post(emulator, `${PATHS.pixelTrack}?debug=1`, pixelTrackBody())).json?.code).toBe(0)
  })
})

describe('refused requests', () => {
  test.each(DEFECTS.map((d) => [`${d.route} ${d.message}`, d] as const))('%s', async (_name, defect) => {
    const body = setPath(validBody(defect.route), defect.path, defect.value)
    const reply = await post(emulator, PATH_OF[defect.route], body)
    expect(reply.status).toBe(200)
    expect(reply.json).toMatchObject({ code: 40002, message: defect.message })
    expect(emulator.received).toHaveLength(0)
  })

  test.each([
    ['missing', {}],
    ['unknown', { 'access-token': 'someone-else' }],
    ['sent as a bearer token', { 'access-token': 'Bearer emulator-token' }],
    ['in the Authorization header', { authorization: 'emulator-token' }]
  ])('an access token %s is refused with 40105', async (_name, headers) => {
    const reply = await post(emulator, PATHS.pixelTrack, pixelTrackBody(), headers)
    expect(reply.status).toBe(200)
    expect(reply.json).toMatchObject({ code: 40105, message: 'Access token is invalid or has been revoked' })
    expect(emulator.received).toHaveLength(0)
  })

  test('the token is checked before the body', async () => {
    expect((await post(emulator, PATHS.pixelTrack, 'not json', {})).json?.code).toBe(40105)
  })

  test.each<[Route, string]>([
    ['pixelTrack', 'pixel_code'],
    ['pixelBatch', 'pixel_code'],
    ['eventTrack', 'event_source_id']
  ])('%s: a pixel code the token may not use is refused with 40001', async (route, field) => {
    // Also invalid otherwise: permission is checked before the body is validated.
    const body = setPath(setPath(validBody(route), field, 'COTHERPIXEL'), 'partner_name', 5)
    const reply = await post(emulator, PATH_OF[route], body)
    expect(reply.json).toMatchObject({ code: 40001, message: 'No permission to operate pixel code: COTHERPIXEL' })
  })

  test.each([
    ['not JSON', 'event=Purchase'],
    ['empty', ''],
    ['truncated JSON', '{"pixel_code":"CEMULATORPIXEL0001","ev'],
    ['invalid UTF-8', new Blob([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])])]
  ])('a body that is %s is refused with 40002', async (_name, body) => {
    const reply = await post(emulator, PATHS.pixelBatch, body)
    expect(reply.status).toBe(200)
    expect(reply.json).toMatchObject({ code: 40002, message: 'Request body is not valid JSON' })
  })

  test('other methods and paths get a JSON 404 and do not consume the script', async () => {
    const scripted = await startEmulator({ script: ['rate_limit'] })
    try {
      const get = await fetch(`${scripted.url}${PATHS.pixelTrack}`)
      expect(get.status).toBe(404)
      expect(await get.json()).toMatchObject({ code: 40400, message: 'Not found' })
      const other = await post(scripted, '/open_api/v1.2/pixel/track/', pixelTrackBody())
      expect(other.status).toBe(404)
      expect((await post(scripted, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(40100)
    } finally {
      await scripted.close()
    }
  })
})

describe('hostile input', () => {
  test('a body over the size cap is answered 413 and the server keeps serving', async () => {
    const small = await startEmulator({ maxBodyBytes: 1024, now: () => NOW })
    try {
      const big = { ...pixelTrackBody(), properties: { description: 'x'.repeat(4096) } }
      const reply = await post(small, PATHS.pixelTrack, big)
      expect(reply.status).toBe(413)
      expect(reply.json).toMatchObject({ code: 40002, message: 'Request body exceeds 1024 bytes' })
      expect(
        (await post(small, PATHS.pixelTrack, { pixel_code: DEFAULT_PIXEL_CODE, event: 'Search' })).json?.code
      ).toBe(0)
    } finally {
      await small.close()
    }
  })

  test('huge strings, deep nesting and __proto__ keys do not crash the server', async () => {
    const huge = { ...pixelTrackBody(), properties: { description: 'x'.repeat(5_000_000) } }
    expect((await post(emulator, PATHS.pixelTrack, huge)).json?.code).toBe(0)
    const deep = '['.repeat(200_000) + ']'.repeat(200_000)
    expect((await post(emulator, PATHS.pixelTrack, deep)).json?.code).toBe(40002)
    const deepObject = `{"pixel_code":"${DEFAULT_PIXEL_CODE}","event":"Search","context":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`
    expect((await post(emulator, PATHS.pixelTrack, deepObject)).json?.message).toBe('context.a: Unknown field')
    const proto = `{"pixel_code":"${DEFAULT_PIXEL_CODE}","event":"Search","__proto__":{"event":"Purchase"}}`
    expect((await post(emulator, PATHS.pixelTrack, proto)).json?.message).toBe('__proto__: Unknown field')
    const protoBatch = `{"pixel_code":"${DEFAULT_PIXEL_CODE}","batch":{"__proto__":[]}}`
    expect((await post(emulator, PATHS.pixelBatch, protoBatch)).json?.message).toBe('batch: Not a valid list')
    expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(0)
  })
})
