import { createHash } from 'crypto'
import { readFileSync, statSync } from 'fs'
import path from 'path'
import { DEFAULT_ACCESS_TOKEN, startEmulator, type Emulator, type StartEmulatorOptions } from '../../src/emulator'
import { replay } from '../../src/runner/run'
import { subscriptionsFromFile } from '../../src/runner/subscriptions'
import { formatSummary } from '../../src/runner/summary'
import { simpleEvent } from '../fixtures/events'
import { asStream, events, fast, ndjson, receivedIds, settings, tempDir, tempFile } from './helpers'

// End to end over loopback: the runner drives the real framework runtime against the emulator.

let emulator: Emulator | undefined
async function emulate(options: StartEmulatorOptions = {}) {
  emulator = await startEmulator({ port: 0, ...options })
  return emulator
}
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

describe.each(['pixel', 'events_2_0'] as const)('runner -> emulator, %s format', (apiFormat) => {
  it('delivers every preset event of both layouts, batched by TikTok event', async () => {
    const em = await emulate()
    const input = events(56)
    const { options } = fast(em, { settings: { ...settings, apiFormat } })
    const summary = await replay(asStream(ndjson(input)), options)
    expect(summary).toMatchObject({ read: 56, delivered: 56, refused: 0, notSent: 0 })
    // One request per preset: 56 events over 14 presets, 4 each, well under the batch size.
    expect(summary.requests).toBe(14)
    expect(em.received.every((r) => r.format === apiFormat)).toBe(true)
    expect(receivedIds(em)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
    expect(summary.bySource).toEqual({ web: { delivered: 56, refused: 0, notSent: 0 } })
    expect(summary.matchKeys).toMatchObject({ email: 1, external_id: 1, ip_user_agent: 1, device_id: 0 })
  })

  it('retries 40100, 5xx, HTML 502s, dropped connections and unreadable replies; event ids survive', async () => {
    const em = await emulate({
      script: ['rate_limit', 'server_error', 'gateway_html', 'drop', 'malformed_json', 'internal_error_code']
    })
    const input = events(28)
    const { options, outcomes } = fast(em, { settings: { ...settings, apiFormat }, concurrency: 2 })
    const summary = await replay(asStream(ndjson(input)), options)
    expect(summary.delivered).toBe(28)
    expect(receivedIds(em)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
    expect(em.requests.filter((r) => r.fault && r.fault !== 'ok')).toHaveLength(6)
    expect(outcomes.some((o) => o.attempts > 1)).toBe(true)
  })

  it('under a random storm of faults, delivered + refused with a reason always equals the input', async () => {
    const em = await emulate({
      seed: 11,
      rates: { rate_limit: 0.25, server_error: 0.1, gateway_html: 0.1, drop: 0.05, malformed_json: 0.05, slow: 0.05 },
      slowMs: 300
    })
    const { options, outcomes } = fast(em, {
      settings: { ...settings, apiFormat },
      endpoint: { baseUrl: em.url, timeoutMs: 100 },
      batchSize: 10,
      maxRetries: 3
    })
    const summary = await replay(asStream(ndjson(events(300))), options)
    expect(outcomes).toHaveLength(300)
    expect(new Set(outcomes.map((o) => o.index)).size).toBe(300)
    expect(summary.delivered + summary.refused).toBe(300)
    for (const o of outcomes) if (o.status !== 'delivered') expect(o.reason).toEqual(expect.any(String))
    const ids = receivedIds(em)
    for (const o of outcomes.filter((x) => x.status === 'delivered')) expect(ids.has(o.eventId)).toBe(true)
  })
})

describe('runner: failures end with a reason, in a file that replays', () => {
  it('gives up after the retry limit, writes the events with their reasons 0600, and a replay delivers them', async () => {
    const storm = await emulate({ rates: { rate_limit: 1 } })
    const input = events(5)
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const { options, outcomes } = fast(storm, { maxRetries: 2, failedOut })
    const summary = await replay(asStream(ndjson(input)), options)
    expect(summary).toMatchObject({ delivered: 0, refused: 5, failedWritten: 5, failedFile: failedOut })
    for (const o of outcomes) {
      expect(o).toMatchObject({ attempts: 3, httpStatus: 429, reason: expect.stringMatching(/rate limit.*40100/) })
    }
    // Raw personal data: readable by its owner only.
    expect(statSync(failedOut).mode & 0o777).toBe(0o600)
    const lines = readFileSync(failedOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(5)
    expect(lines.find((l) => l.event.properties?.id === 'evt-1')).toMatchObject({
      failure: { status: 429, attempts: 3 },
      event: input[1]
    })
    await storm.close()

    // Replayed into the same file when everything now succeeds: the file reflects this run, so it is gone.
    const healthy = await emulate()
    const replayed = await replay(failedOut, fast(healthy, { failedOut }).options)
    expect(replayed).toMatchObject({ delivered: 5, refused: 0, failedWritten: 0 })
    expect(receivedIds(healthy)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
    expect(() => statSync(failedOut)).toThrow(/ENOENT/)
  })

  it('a replay into the same file that still fails keeps only this run’s failures', async () => {
    const em = await emulate()
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    await replay(asStream(ndjson([...events(2), { event_name: 'nope', properties: { id: 'n' } }])), {
      ...fast(em, { failedOut }).options
    })
    expect(readFileSync(failedOut, 'utf8').trim().split('\n')).toHaveLength(1)
    const again = await replay(failedOut, fast(em, { failedOut }).options)
    expect(again).toMatchObject({ read: 1, refused: 1, failedWritten: 1 })
    expect(readFileSync(failedOut, 'utf8').trim().split('\n')).toHaveLength(1)
  })

  it('a replayed unreadable line is given back as it was, never nested one level deeper', async () => {
    const em = await emulate()
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    await replay(asStream('{"event_name": "purchase", \n'), fast(em, { failedOut }).options)
    const first = readFileSync(failedOut, 'utf8')
    expect(JSON.parse(first)).toMatchObject({ raw: '{"event_name": "purchase", ' })
    await replay(failedOut, fast(em, { failedOut }).options)
    await replay(failedOut, fast(em, { failedOut }).options)
    expect(JSON.parse(readFileSync(failedOut, 'utf8'))).toMatchObject({ raw: '{"event_name": "purchase", ' })
  })

  it('stops early when the token is refused, with the reason once and a count', async () => {
    const em = await emulate({ accessTokens: ['another-token'] })
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const { options } = fast(em, { failedOut, concurrency: 2 })
    const summary = await replay(asStream(ndjson(events(2000))), options)
    // The first answers stop the run: only the requests already in flight were sent, not 40 or more.
    expect(em.stats().requests).toBeLessThanOrEqual(2)
    expect(summary.stopped).toMatch(/stopped early: .*invalid or revoked/)
    const text = formatSummary(summary)
    expect(text.split('\n').length).toBeLessThan(40)
    expect(text).not.toContain(DEFAULT_ACCESS_TOKEN)
    expect(readFileSync(failedOut, 'utf8')).not.toContain(DEFAULT_ACCESS_TOKEN)
    // Everything read is accounted for; what was not read is left for --resume.
    expect(summary.delivered + summary.refused + summary.notSent).toBe(summary.read)
  })

  it('retries a reply slower than the timeout', async () => {
    const em = await emulate({ script: ['slow'], slowMs: 400 })
    const { options, outcomes } = fast(em, { endpoint: { baseUrl: em.url, timeoutMs: 100 } })
    const summary = await replay(asStream(ndjson(events(1))), options)
    expect(summary).toMatchObject({ delivered: 1, refused: 0 })
    expect(outcomes[0].attempts).toBe(2)
  })

  it('refuses bad events with their reason and delivers the rest: nothing is dropped silently', async () => {
    const em = await emulate()
    const input = [
      ...events(3),
      { event_name: 'newsletter_popup', properties: { id: 'x1' } },
      { ...simpleEvent('purchase', 'v1', 'x2'), event_timestamp: 'soon' },
      '{"event_name": "purchase", ',
      '[1, 2]'
    ]
    const { options, outcomes } = fast(em)
    const summary = await replay(asStream(ndjson(input)), options)
    expect(summary).toMatchObject({ read: 7, delivered: 3, refused: 4 })
    const reasons = outcomes
      .filter((o) => o.status !== 'delivered')
      .sort((a, b) => a.index - b.index)
      .map((o) => o.reason)
    expect(reasons).toEqual([
      'no subscription matches event_name "newsletter_popup"',
      expect.stringMatching(/timestamp: "soon" is not a date/),
      expect.stringMatching(/line 6 is not JSON/),
      'line 7 is not a Commanders Act event (a JSON object)'
    ])
    const text = formatSummary(summary)
    expect(text).toMatch(/7 events: 3 delivered, 4 refused, 0 not sent/)
    expect(text).toMatch(/1 x no subscription matches event_name "newsletter_popup"/)
  })

  it('counts only requests that were sent', async () => {
    const em = await emulate()
    const bad = events(3).map((e) => ({ ...e, event_timestamp: 'soon' }))
    const summary = await replay(asStream(ndjson(bad)), fast(em).options)
    expect(summary).toMatchObject({ refused: 3, requests: 0 })
    expect(em.stats().requests).toBe(0)
  })

  it('counts every request, with several in flight at once', async () => {
    const em = await emulate({ keepReceived: false })
    const summary = await replay(asStream(ndjson(events(600))), fast(em, { batchSize: 10, concurrency: 4 }).options)
    expect(summary.delivered).toBe(600)
    expect(summary.requests).toBe(em.stats().requests)
  })

  it('names the field of a value TikTok cannot read ("12,50")', async () => {
    const em = await emulate()
    const event = simpleEvent('purchase', 'v1', 'comma')
    ;(event.properties as Record<string, unknown>).value = '12,50'
    const { options, outcomes } = fast(em)
    await replay(asStream(ndjson([event])), options)
    expect(outcomes[0]).toMatchObject({
      status: 'refused',
      reason: 'properties.value: "12,50" is not a number of zero or more.'
    })
  })
})

describe('runner: one bad event never takes its neighbours down', () => {
  it('an event nested 10,000 deep is refused alone, next to an ordinary bad event; the file is written', async () => {
    const em = await emulate()
    const hostile =
      '{"event_name":"purchase","properties":{"id":"deep","user":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_002)
    const ordinaryBad = { ...simpleEvent('purchase', 'v1', 'bad'), event_timestamp: 'soon' }
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const input = [...[0, 1, 2].map((i) => simpleEvent('purchase', 'v1', `ok-${i}`)), hostile, ordinaryBad]
    const { options, outcomes } = fast(em, { failedOut })
    const summary = await replay(asStream(ndjson(input)), options)
    expect(summary).toMatchObject({ read: 5, delivered: 3, refused: 2, failedWritten: 2 })
    expect(outcomes.find((o) => o.index === 3)?.reason).toMatch(/line 4 is nested deeper than 64 levels/)
    expect(readFileSync(failedOut, 'utf8').trim().split('\n')).toHaveLength(2)
  })

  it('an oversized event is refused alone; its neighbours go in batches cut by size', async () => {
    const em = await emulate({ maxBodyBytes: 3 * 1024 * 1024 })
    const big = simpleEvent('purchase', 'v1', 'big')
    ;(big.properties as Record<string, unknown>).padding = 'x'.repeat(5 * 1024 * 1024)
    const mid = events(6, 'mid').map((e) => {
      const m = simpleEvent('purchase', 'v1', (e.properties as { id?: string })?.id ?? 'm')
      ;(m.properties as Record<string, unknown>).padding = 'y'.repeat(700 * 1024)
      return m
    })
    const { options, outcomes } = fast(em)
    const summary = await replay(asStream(ndjson([...mid.slice(0, 3), big, ...mid.slice(3)])), options)
    expect(summary).toMatchObject({ read: 7, delivered: 6, refused: 1 })
    expect(outcomes.find((o) => o.eventId === 'big')).toMatchObject({
      httpStatus: 413,
      reason: expect.stringMatching(/line 4 is \d+ bytes, over the 1048576 an event may take/)
    })
    // 6 x 700 KiB does not fit one request under the 2 MiB cut: more than one, none refused with 413.
    expect(em.requests.every((r) => r.status === 200)).toBe(true)
    expect(summary.requests).toBeGreaterThan(1)
  })

  it('keys like __proto__ stay plain data, in an NDJSON line and in a JSON array: the event’s own email is sent', async () => {
    const em = await emulate()
    const sha = (s: string) => createHash('sha256').update(s).digest('hex')
    const line = (id: string) =>
      `{"event_name":"purchase","properties":{"id":"${id}","user":{"__proto__":{"email":"x@y.z"},` +
      '"email":"own@shop.example","id":"u1"},"currency":"EUR","value":10}}'
    const summary = await replay(asStream(`${line('proto-1')}\n`), fast(em).options)
    const arraySummary = await replay(asStream(`[${line('proto-2')}]`), fast(em).options)
    expect([summary.delivered, arraySummary.delivered]).toEqual([1, 1])
    for (const received of em.received) {
      const user = (received.body.context as { user?: { email?: string } }).user
      expect(user?.email).toBe(sha('own@shop.example'))
    }
    expect(JSON.stringify(em.received)).not.toContain(sha('x@y.z'))
  })

  it('the bundled sample: every source in the summary, per TikTok event and per source', async () => {
    const em = await emulate()
    const { DEFAULT_APP_ID, DEFAULT_CRM_EVENT_SET_ID, DEFAULT_OFFLINE_EVENT_SET_ID } =
      await import('../../src/emulator')
    const summary = await replay(path.join(__dirname, '../../samples/commanders-act-events.ndjson'), {
      ...fast(em).options,
      settings: {
        ...settings,
        appId: DEFAULT_APP_ID,
        offlineEventSetId: DEFAULT_OFFLINE_EVENT_SET_ID,
        crmEventSetId: DEFAULT_CRM_EVENT_SET_ID,
        defaultPhoneCountry: 'FR'
      }
    })
    expect(Object.keys(summary.bySource).sort()).toEqual(expect.arrayContaining(['app', 'crm', 'offline', 'web']))
    const total = Object.values(summary.bySource).reduce((n, c) => n + c.delivered + c.refused + c.notSent, 0)
    expect(total).toBe(summary.read)
    expect(summary.delivered).toBe(em.stats().acceptedEvents)
    // The emulator tells the sources apart too.
    expect(Object.keys(em.statsJson().bySource).sort()).toEqual(['app', 'crm', 'offline', 'web'])
    // A batch of mixed sources goes out as one request per source: each is counted.
    expect(summary.requests).toBe(em.stats().requests)
    expect(formatSummary(summary)).toMatch(/By source: .*app \d+ delivered/)
  })

  it('invalid UTF-8 refuses its event with the reason instead of sending U+FFFD', async () => {
    const em = await emulate()
    const good = JSON.stringify(simpleEvent('purchase', 'v1', 'utf-good'))
    const bad = Buffer.concat([
      Buffer.from('{"event_name":"purchase","properties":{"id":"utf-bad","description":"Merino '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(' socks"}}')
    ])
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const { options, outcomes } = fast(em, { failedOut })
    const summary = await replay(asStream(Buffer.concat([Buffer.from(good + '\n'), bad])), options)
    expect(summary).toMatchObject({ delivered: 1, refused: 1 })
    expect(outcomes.find((o) => o.index === 1)?.reason).toBe('line 2 is not valid UTF-8')
    expect(JSON.stringify(em.received)).not.toContain('\ufffd')
    // Kept byte for byte, so a replay refuses it again rather than sending it mangled.
    expect(Buffer.from(JSON.parse(readFileSync(failedOut, 'utf8')).rawBase64, 'base64')).toEqual(bad)
  })
})

describe('runner: choices', () => {
  it('one request per event without batching', async () => {
    const em = await emulate()
    const summary = await replay(asStream(ndjson(events(4))), fast(em, { batching: false }).options)
    expect(summary).toMatchObject({ delivered: 4, requests: 4 })
    expect(em.requests.map((r) => r.path)).toEqual(Array(4).fill('/open_api/v1.3/pixel/track/'))
  })

  it('routes each event to the first subscription that matches, conditions included', async () => {
    const em = await emulate()
    const subscriptions = subscriptionsFromFile([
      { subscribe: 'event = "purchase" and properties.value > 100', mapping: { event: 'CompletePayment' } },
      { subscribe: 'event = "purchase"', mapping: { event: 'PlaceAnOrder' } }
    ])
    const big = simpleEvent('purchase', 'v1', 'big')
    const small = simpleEvent('purchase', 'v1', 'small')
    ;(big.properties as Record<string, unknown>).value = 150
    ;(small.properties as Record<string, unknown>).value = 50
    const { options, outcomes } = fast(em, { subscriptions })
    await replay(asStream(ndjson([big, small])), options)
    expect(outcomes.sort((a, b) => a.index - b.index).map((o) => [o.eventId, o.tiktokEvent, o.status])).toEqual([
      ['big', 'CompletePayment', 'delivered'],
      ['small', 'PlaceAnOrder', 'delivered']
    ])
  })

  it('honours a mapping that turns enable_batching off', async () => {
    const em = await emulate()
    const subscriptions = subscriptionsFromFile([
      { subscribe: 'event = "purchase"', mapping: { event: 'CompletePayment', enable_batching: false } },
      { subscribe: 'event = "add_to_cart"', mapping: { event: 'AddToCart' } }
    ])
    const input = [1, 2, 3].flatMap((i) => [
      simpleEvent('purchase', 'v1', `p${i}`),
      simpleEvent('add_to_cart', 'v2', `c${i}`)
    ])
    const summary = await replay(asStream(ndjson(input)), fast(em, { subscriptions }).options)
    expect(summary).toMatchObject({ delivered: 6, requests: 4 })
  })

  it('a mapping file error names the subscription and its clause; a clause without a value is refused', () => {
    expect(() => subscriptionsFromFile([{ subscribe: 'event = ', mapping: {} }])).toThrow(
      /subscription 0: subscription "event = ": a clause has no value/
    )
    expect(() => subscriptionsFromFile([{ subscribe: 'event = "a"', mapping: {} }, { mapping: {} }])).toThrow(
      /subscription 1: needs "subscribe"/
    )
  })

  it('a dry run builds every body, sends nothing and reports progress as it goes', async () => {
    const em = await emulate()
    const bodies: unknown[] = []
    const progress: number[] = []
    const bytes: number[] = []
    const summary = await replay(asStream(ndjson(events(30))), {
      ...fast(em).options,
      dryRun: true,
      onDryRunBody: (b) => bodies.push(b),
      progressMs: 0,
      onProgress: (p) => {
        progress.push(p.settled)
        bytes.push(p.bytesRead)
      }
    })
    expect(summary).toMatchObject({ delivered: 30, requests: 0, dryRun: true })
    expect(em.stats().requests).toBe(0)
    expect(bodies[0]).toMatchObject({ event: 'AddPaymentInfo', event_id: 'evt-0' })
    // Step by step, not 0 then 100%, and what was read so far as it reads.
    expect(new Set(progress).size).toBeGreaterThan(10)
    expect(bytes.every((b) => b > 0)).toBe(true)
  })

  it('--require-consent sends only events holding the categories; the others are not sent, not failed', async () => {
    const em = await emulate()
    const withConsent = (id: string, categories: unknown, layout: 'v1' | 'v2') => {
      const e = simpleEvent('purchase', layout, id) as Record<string, unknown>
      const holder = (layout === 'v1' ? (e.properties as Record<string, unknown>).user : e.user) as Record<
        string,
        unknown
      >
      holder.consent_categories = categories
      return e
    }
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const input = [
      withConsent('yes-v1', [1, 3, 5], 'v1'),
      withConsent('yes-v2', ['3', '5'], 'v2'),
      withConsent('partial', [3], 'v1'),
      simpleEvent('purchase', 'v2', 'none')
    ]
    const summary = await replay(asStream(ndjson(input)), fast(em, { failedOut, requireConsent: ['3', '5'] }).options)
    expect(summary).toMatchObject({ delivered: 2, refused: 0, notSent: 2, failedWritten: 0 })
    expect(receivedIds(em)).toEqual(new Set(['yes-v1', 'yes-v2']))
    expect(summary.reasons).toEqual([
      { tiktokEvent: 'CompletePayment', status: 'not_sent', reason: 'no consent: needs categories 3, 5', count: 2 }
    ])
  })

  it('--resume refuses a journal of another input, or none', async () => {
    const em = await emulate()
    const dir = tempDir()
    const journal = path.join(dir, 'journal')
    const failedOut = path.join(dir, 'failed.ndjson')
    await replay(tempFile('a.ndjson', ndjson(events(3))), fast(em, { journal, failedOut }).options)
    const other = tempFile('b.ndjson', ndjson(events(4)))
    await expect(replay(other, fast(em, { journal, failedOut, resume: true }).options)).rejects.toThrow(
      /journal of another input/
    )
    await expect(
      replay(other, fast(em, { journal: path.join(dir, 'none'), failedOut, resume: true }).options)
    ).rejects.toThrow(/there is no journal/)
  })

  it('a damaged gzip input stops the run with a reason; the events before the damage are sent', async () => {
    const em = await emulate()
    const { gzipSync } = await import('zlib')
    const whole = gzipSync(ndjson(events(2000)))
    const summary = await replay(asStream(whole.subarray(0, Math.floor(whole.length / 2))), fast(em).options)
    expect(summary.stopped).toMatch(/the gzip input is damaged/)
    expect(summary.delivered).toBeGreaterThan(0)
    expect(summary.delivered + summary.refused + summary.notSent).toBe(summary.read)
  })

  it('streams: 5,000 events of a JSON array on one line, memory held by counters only', async () => {
    const em = await emulate({ keepReceived: false })
    const input = tempFile('big.json', JSON.stringify(events(5_000)))
    const summary = await replay(input, fast(em, { batchSize: 500, concurrency: 8, onSettled: undefined }).options)
    expect(summary).toMatchObject({ read: 5_000, delivered: 5_000 })
    expect(em.stats()).toMatchObject({ acceptedEvents: 5_000, duplicates: 0 })
    expect(Object.keys(summary)).not.toContain('outcomes')
    // Real sockets and the whole framework for 5,000 events: room for a loaded 2-core CI machine.
  }, 120_000)
})

describe('runner: rate', () => {
  it('keeps under --max-rps, one request per event included', async () => {
    const em = await emulate({ recentRequests: 100 })
    const summary = await replay(asStream(ndjson(events(11))), fast(em, { batching: false, maxRps: 20 }).options)
    expect(summary).toMatchObject({ delivered: 11, requests: 11 })
    const times = em.recent(100).map((r) => Date.parse(r.at))
    // 11 requests at 20 a second leave 500 ms apart (answered a little unevenly); unlimited, a few ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(300)
  })
})
