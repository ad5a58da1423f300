// The request rate stage: TikTok allows 1,000 requests a second per access token. Requests are spaced evenly under a
// ceiling; a rate-limit answer halves the pace, and each accepted request wins a little of it back.

export const TIKTOK_MAX_RPS = 1000

export class RateLimiter {
  private rate: number
  private next = 0

  constructor(private readonly ceiling = TIKTOK_MAX_RPS) {
    this.rate = ceiling
  }

  /** Resolves when the next request may go. */
  async take(): Promise<void> {
    const now = performance.now()
    const at = Math.max(now, this.next)
    this.next = at + 1000 / this.rate
    // Timers are not finer than a millisecond; a shorter wait is taken as none and evened out by the next ones.
    if (at - now >= 1) await new Promise((resolve) => setTimeout(resolve, at - now))
  }

  /** TikTok said 40100 or HTTP 429. */
  slowDown(): void {
    this.rate = Math.max(1, this.rate / 2)
  }

  accepted(): void {
    this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 100)
  }

  get current(): number {
    return this.rate
  }
}
