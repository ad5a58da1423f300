import { MAX_EVENTS_PER_REQUEST } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { validateEvents2, validatePixelBatch, validatePixelTrack, type TikTokReply } from '../../src/emulator'
import {
  DEFECTS,
  NOW,
  events2Body,
  pixelBatchBody,
  pixelTrackBody,
  setPath,
  validBody,
  type Json,
  type Route
} from './fixtures'

const VALIDATE: Record<Route, (body: unknown, now: number) => TikTokReply | undefined> = {
  pixelTrack: validatePixelTrack,
  pixelBatch: validatePixelBatch,
  eventTrack: validateEvents2
}

describe('validators', () => {
  test.each(['pixelTrack', 'pixelBatch', 'eventTrack'] as const)('%s accepts the reference body', (route) => {
    expect(VALIDATE[route](validBody(route), NOW)).toBeUndefined()
  })

  test.each(DEFECTS.map((d) => [`${d.route} ${d.message}`, d] as const))('%s', (_name, defect) => {
    const body = setPath(validBody(defect.route), defect.path, defect.value)
    expect(VALIDATE[defect.route](body, NOW)).toEqual({ code: 40002, message: defect.message })
  })

  test('optional fields may be absent', () => {
    expect(validatePixelTrack({ pixel_code: 'P', event: 'ViewContent' }, NOW)).toBeUndefined()
    expect(validatePixelBatch({ pixel_code: 'P', batch: [{ type: 'track', event: 'Search' }] }, NOW)).toBeUndefined()
    const minimal2 = { event_source: 'web', event_source_id: 'P', data: [{ event: 'Lead', event_time: NOW / 1000 }] }
    expect(validateEvents2(minimal2, NOW)).toBeUndefined()
  })

  test('a timestamp up to 5 minutes ahead is clock skew, not a future event', () => {
    const body = pixelTrackBody()
    body.timestamp = new Date(NOW + 5 * 60 * 1000).toISOString()
    expect(validatePixelTrack(body, NOW)).toBeUndefined()
    body.timestamp = new Date(NOW + 5 * 60 * 1000 + 1).toISOString()
    expect(validatePixelTrack(body, NOW)?.message).toBe('timestamp: Must not be more than 5 minutes in the future')
  })

  test('timestamps with offsets and fractions parse', () => {
    for (const timestamp of ['2025-06-01T13:59:00+02:00', '2025-06-01T11:59Z', '2025-06-01T11:59:00.123456Z']) {
      expect(validatePixelTrack({ ...pixelTrackBody(), timestamp }, NOW)).toBeUndefined()
    }
  })

  test('exactly MAX_EVENTS_PER_REQUEST events are accepted', () => {
    expect(validatePixelBatch(pixelBatchBody(MAX_EVENTS_PER_REQUEST), NOW)).toBeUndefined()
    expect(validateEvents2(events2Body(MAX_EVENTS_PER_REQUEST), NOW)).toBeUndefined()
  })

  test('reports the first problem only, in batch order', () => {
    const body = pixelBatchBody()
    setPath(body, 'batch.3.properties.currency', 'XXX')
    setPath(body, 'batch.1.properties.value', 'ten')
    expect(validatePixelBatch(body, NOW)?.message).toBe('Batch.1.properties.value: Not a valid number')
  })

  test('an unknown key is reported before other problems of the same object', () => {
    const body: Json = { ...pixelTrackBody(), event: 'Nope', extra: 1 }
    expect(validatePixelTrack(body, NOW)?.message).toBe('extra: Unknown field')
  })

  test('a top-level __proto__ key from JSON is an unknown field and pollutes nothing', () => {
    const body = JSON.parse(`{"__proto__": {"polluted": true}, "pixel_code": "P", "event": "Search"}`) as unknown
    expect(validatePixelTrack(body, NOW)?.message).toBe('__proto__: Unknown field')
    expect(({} as Json).polluted).toBeUndefined()
  })

  test.each([
    ['an array', []],
    ['a string', 'event'],
    ['null', null],
    ['a number', 1]
  ])('a body that is %s is refused', (_name, body) => {
    for (const validate of Object.values(VALIDATE)) {
      expect(validate(body, NOW)).toEqual({ code: 40002, message: 'Request body must be a JSON object' })
    }
  })

  test('Infinity (JSON 1e999) is not a valid number', () => {
    const body = JSON.parse(JSON.stringify(pixelTrackBody()).replace('"value":99.8', '"value":1e999')) as unknown
    expect(validatePixelTrack(body, NOW)?.message).toBe('properties.value: Not a valid number')
  })
})
