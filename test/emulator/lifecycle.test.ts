import http from 'node:http'
import net from 'node:net'
import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { DEFAULT_ACCESS_TOKEN, startEmulator } from '../../src/emulator'
import { RecentKeys } from '../../src/emulator/recent-keys'
import { NOW, PIXEL, events2Body, pixelBatchBody, pixelTrackBody } from './fixtures'
import { post } from './http'

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms).unref())
  ])
}

describe('duplicates', () => {
  test('counts accepted events repeating an earlier (event, event_id) pair', async () => {
    const emulator = await startEmulator({ now: () => NOW })
    try {
      await post(emulator, PATHS.pixelTrack, pixelTrackBody()) // CompletePayment order-0
      await post(emulator, PATHS.pixelTrack, pixelTrackBody()) // duplicate (a retry)
      await post(emulator, PATHS.pixelTrack, { ...pixelTrackBody(), event: 'Purchase' }) // other event, same id
      const withoutId = { pixel_code: PIXEL, event: 'Search' }
      await post(emulator, PATHS.pixelTrack, withoutId)
      await post(emulator, PATHS.pixelTrack, withoutId) // nothing to deduplicate on
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(2)) // order-0 again + order-1
      await post(emulator, PATHS.pixelTrack, { ...pixelTrackBody(), event: 'Nope' }) // refused: not counted
      expect(emulator.received).toHaveLength(7)
      expect(emulator.duplicates()).toBe(2)
      // 2.0 and pixel events with the same pair are merged too.
      await post(emulator, PATHS.eventTrack, events2Body(1)) // Purchase order-0
      expect(emulator.duplicates()).toBe(3)
    } finally {
      await emulator.close()
    }
  })
})

describe('the duplicate window', () => {
  test('counts against the latest dedupWindow keys, the oldest forgotten first', async () => {
    const emulator = await startEmulator({ now: () => NOW, dedupWindow: 2 })
    try {
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(3)) // order-0, 1, 2: order-0 forgotten
      await post(emulator, PATHS.pixelTrack, pixelTrackBody()) // order-0: new again; order-1 forgotten
      expect(emulator.duplicates()).toBe(0)
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(3)) // order-0 seen; order-1, order-2 forgotten by then
      expect(emulator.duplicates()).toBe(1)
    } finally {
      await emulator.close()
    }
  })
})

describe('RecentKeys', () => {
  test('keeps the latest keys in the order first seen, through many turns of its ring', () => {
    const keys = new RecentKeys(3)
    for (const k of [1, 2, 3, 2, 4]) keys.add(k) // 2 again keeps its place: 1 is the one forgotten
    expect([1, 2, 3, 4].map((k) => keys.has(k))).toEqual([false, true, true, true])
    keys.add(5) // then 2
    expect([2, 3, 4, 5].map((k) => keys.has(k))).toEqual([false, true, true, true])
    const many = new RecentKeys(1000)
    for (let k = 0; k < 100_000; k++) many.add(2 ** 40 + k) // 48-bit keys, as the emulator's
    expect(many.size).toBe(1000)
    expect(many.has(2 ** 40 + 99_000)).toBe(true)
    expect(many.has(2 ** 40 + 98_999)).toBe(false)
    many.clear()
    expect(many.size).toBe(0)
    expect(many.has(2 ** 40 + 99_999)).toBe(false)
    const none = new RecentKeys(0) // a window of 0: nothing is remembered, nothing is a duplicate
    none.add(7)
    expect(none.has(7)).toBe(false)
    expect(() => new RecentKeys(-1)).toThrow(RangeError)
  })
})

describe('reset and counters', () => {
  test('reset clears what was received and restarts the script', async () => {
    const emulator = await startEmulator({ now: () => NOW, script: ['rate_limit'] })
    try {
      const received = emulator.received
      expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(40100)
      await post(emulator, PATHS.pixelTrack, pixelTrackBody())
      await post(emulator, PATHS.pixelTrack, pixelTrackBody())
      expect(emulator.duplicates()).toBe(1)
      emulator.reset()
      expect(emulator.received).toHaveLength(0)
      expect(received).toBe(emulator.received)
      expect(emulator.requests).toHaveLength(0)
      expect(emulator.duplicates()).toBe(0)
      expect(emulator.stats().requests).toBe(0)
      expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(40100)
    } finally {
      await emulator.close()
    }
  })

  test('keepReceived: false keeps counters only', async () => {
    const emulator = await startEmulator({ now: () => NOW, keepReceived: false })
    try {
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(3))
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(3))
      await post(emulator, PATHS.pixelTrack, {})
      expect(emulator.received).toHaveLength(0)
      expect(emulator.duplicates()).toBe(3)
      expect(emulator.stats()).toEqual({
        requests: 3,
        acceptedRequests: 2,
        acceptedEvents: 6,
        rejectedRequests: 1,
        faultedRequests: 0,
        duplicates: 3
      })
    } finally {
      await emulator.close()
    }
  })

  test('the request log keeps the last 10,000 requests', async () => {
    const emulator = await startEmulator({ keepReceived: false })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
    try {
      const send = (): Promise<void> =>
        new Promise((resolve, reject) => {
          const req = http.request(`${emulator.url}/health`, { agent }, (res) => res.resume().on('end', resolve))
          req.on('error', reject).end()
        })
      await Promise.all(Array.from({ length: 10_050 }, send))
      expect(emulator.requests).toHaveLength(10_000)
      expect(emulator.stats().requests).toBe(10_050)
    } finally {
      agent.destroy()
      await emulator.close()
    }
  })
})

describe('close', () => {
  test('resolves with an idle keep-alive connection open', async () => {
    const emulator = await startEmulator({ now: () => NOW })
    const agent = new http.Agent({ keepAlive: true })
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.request(
          `${emulator.url}${PATHS.pixelTrack}`,
          { method: 'POST', agent, headers: { 'access-token': DEFAULT_ACCESS_TOKEN } },
          (res) => res.resume().on('end', () => resolve(res.statusCode))
        )
        req.on('error', reject).end(JSON.stringify(pixelTrackBody()))
      })
      expect(status).toBe(200)
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1)
      await withinMs(emulator.close(), 1000)
    } finally {
      agent.destroy()
    }
  })

  test('resolves with fetch connections pooled, a silent socket and a slow request in flight', async () => {
    const emulator = await startEmulator({ now: () => NOW, script: ['ok', 'slow'], slowMs: 60_000 })
    await post(emulator, PATHS.pixelTrack, pixelTrackBody())
    const silent = net.connect(emulator.port, '127.0.0.1')
    await new Promise((resolve) => silent.once('connect', resolve))
    const inFlight = post(emulator, PATHS.pixelTrack, pixelTrackBody())
    inFlight.catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await withinMs(emulator.close(), 1000)
    await expect(inFlight).rejects.toThrow()
    silent.destroy()
    await expect(emulator.close()).resolves.toBeUndefined()
  })
})

test('listens on the requested host and reports a usable url', async () => {
  const emulator = await startEmulator({ host: '127.0.0.1' })
  try {
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`)
    expect(emulator.port).toBeGreaterThan(0)
  } finally {
    await emulator.close()
  }
})
