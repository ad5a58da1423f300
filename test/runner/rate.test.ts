import { RateLimiter } from '../../src/runner/rate'

// The request rate ceiling, on a fake clock: what matters is when each request may go, not how fast a machine is.

describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick'] }))
  afterEach(() => jest.useRealTimers())

  it('spaces requests under the ceiling: 20 requests at 10/s go one every 100 ms', async () => {
    const limiter = new RateLimiter(10)
    const t0 = performance.now()
    const at: number[] = []
    const all = Array.from({ length: 20 }, () => limiter.take().then(() => at.push(performance.now() - t0)))
    for (let step = 0; step < 250; step++) await jest.advanceTimersByTimeAsync(10)
    await Promise.all(all)
    // The first goes at once, the twentieth 1.9 s later: at most 10 in any second.
    at.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(i * 100 - 1))
    expect(at[19]).toBeLessThan(2000)
  })

  it('halves the pace on a rate-limit answer and wins it back on accepted requests', () => {
    const limiter = new RateLimiter(1000)
    limiter.slowDown()
    limiter.slowDown()
    expect(limiter.current).toBe(250)
    for (let i = 0; i < 200; i++) limiter.accepted()
    expect(limiter.current).toBe(1000)
  })

  it('defaults to TikTok’s 1,000 requests a second per token', () => {
    expect(new RateLimiter().current).toBe(1000)
  })
})
