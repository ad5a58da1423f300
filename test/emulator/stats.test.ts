import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { DEFAULT_ACCESS_TOKEN, startEmulator } from '../../src/emulator'
import { NOW, pixelBatchBody, pixelTrackBody } from './fixtures'
import { post } from './http'

// The emulator at scale: counters and bounded windows, served over HTTP for the CLI user and the studio.

const get = async (url: string) => (await fetch(url)).json()

describe('GET /emulator/stats and /emulator/requests', () => {
  test('counters as JSON: requests, accepted events, duplicates, per source and per code', async () => {
    const emulator = await startEmulator({ now: () => NOW })
    try {
      await post(emulator, PATHS.pixelTrack, pixelTrackBody())
      await post(emulator, PATHS.pixelTrack, pixelTrackBody()) // a retry: a duplicate
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(3)) // order-0 again, order-1, order-2
      await post(emulator, PATHS.pixelTrack, pixelTrackBody(), { 'access-token': 'wrong' })
      expect(await get(`${emulator.url}/emulator/stats`)).toMatchObject({
        requests: 4,
        events: 5,
        duplicates: 2,
        bySource: { web: 5 },
        byCode: { '0': 3, '40105': 1 }
      })
    } finally {
      await emulator.close()
    }
  })

  test('the latest requests with their bodies, newest first, never the token', async () => {
    const emulator = await startEmulator({ now: () => NOW, recentRequests: 3 })
    try {
      for (let i = 0; i < 5; i++) await post(emulator, PATHS.pixelBatch, pixelBatchBody(i + 1))
      const recent = (await get(`${emulator.url}/emulator/requests?limit=2`)) as Array<{
        events: number
        body: unknown
      }>
      expect(recent.map((r) => r.events)).toEqual([5, 4])
      expect((recent[0].body as { batch: unknown[] }).batch).toHaveLength(5)
      const all = (await get(`${emulator.url}/emulator/requests`)) as unknown[]
      expect(all).toHaveLength(3)
      expect(JSON.stringify(all)).not.toContain(DEFAULT_ACCESS_TOKEN)
    } finally {
      await emulator.close()
    }
  })

  test('keepReceived as a number keeps only that many of the latest events', async () => {
    const emulator = await startEmulator({ now: () => NOW, keepReceived: 2 })
    try {
      await post(emulator, PATHS.pixelBatch, pixelBatchBody(5))
      expect(emulator.received.map((r) => r.eventId)).toEqual(['order-3', 'order-4'])
      expect(emulator.stats().acceptedEvents).toBe(5)
    } finally {
      await emulator.close()
    }
  })
})
