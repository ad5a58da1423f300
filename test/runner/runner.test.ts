import { execFile } from 'child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { promisify } from 'util'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_PIXEL_CODE,
  startEmulator,
  type Emulator,
  type EmulatorOptions
} from '../../src/emulator'
import { parseEvents, readEvents } from '../../src/runner/read-events'
import { runEvents, type RunOptions } from '../../src/runner/run'
import { subscriptionsFromFile } from '../../src/runner/subscriptions'
import { formatSummary, writeFailed } from '../../src/runner/summary'
import { simpleEvent } from '../fixtures/events'

// End to end over loopback: the runner drives the real framework runtime against the emulator.

const PRESET_NAMES = [
  'add_payment_info', 'add_to_cart', 'add_to_wishlist', 'begin_checkout', 'click_button', 'complete_payment',
  'purchase', 'contact', 'download', 'page_view', 'search', 'sign_up', 'submit_form', 'subscribe'
] // prettier-ignore

const root = path.resolve(__dirname, '../..')
const settings = { accessToken: DEFAULT_ACCESS_TOKEN, pixelCode: DEFAULT_PIXEL_CODE }
let emulator: Emulator | undefined

async function emulate(options: EmulatorOptions = {}) {
  emulator = await startEmulator({ port: 0, ...options })
  return emulator
}
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

/** n valid events, every preset, both layouts, unique ids. */
function events(n: number) {
  return Array.from({ length: n }, (_, i) =>
    simpleEvent(PRESET_NAMES[i % PRESET_NAMES.length], i % 2 ? 'v1' : 'v2', `evt-${i}`)
  )
}
const asInput = (list: unknown[]) => parseEvents(list.map((e) => JSON.stringify(e)).join('\n'))
const fast = (em: Emulator, extra: Partial<RunOptions> = {}): RunOptions => ({
  settings,
  endpoint: { baseUrl: em.url },
  backoffMs: 1,
  maxBackoffMs: 5,
  ...extra
})
const receivedIds = (em: Emulator) => new Set(em.received.map((r) => r.eventId))

describe.each(['pixel', 'events_2_0'] as const)('runner -> emulator, %s format', (apiFormat) => {
  it('delivers every preset event of both layouts, batched by TikTok event', async () => {
    const em = await emulate()
    const input = events(56)
    const report = await runEvents(asInput(input), fast(em, { settings: { ...settings, apiFormat } }))
    expect(report).toMatchObject({ total: 56, delivered: 56, failed: 0 })
    // One request per preset: 56 events over 14 presets, 4 each, well under the batch size.
    expect(report.requests).toBe(14)
    expect(em.received).toHaveLength(56)
    expect(em.received.every((r) => r.format === apiFormat)).toBe(true)
    expect(receivedIds(em)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
  })

  it('retries 40100, 5xx, HTML 502s, dropped connections and unreadable replies; event ids survive', async () => {
    const em = await emulate({
      script: ['rate_limit', 'server_error', 'gateway_html', 'drop', 'malformed_json', 'internal_error_code']
    })
    const input = events(28)
    const report = await runEvents(asInput(input), fast(em, { settings: { ...settings, apiFormat }, concurrency: 2 }))
    expect(report.delivered + report.failed).toBe(28)
    expect(report.delivered).toBe(28)
    expect(receivedIds(em)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
    expect(em.requests.filter((r) => r.fault && r.fault !== 'ok')).toHaveLength(6)
    expect(report.outcomes.some((o) => o.attempts > 1)).toBe(true)
  })

  it('under a random storm of faults, delivered + refused with a reason always equals the input', async () => {
    const em = await emulate({
      seed: 11,
      rates: { rate_limit: 0.25, server_error: 0.1, gateway_html: 0.1, drop: 0.05, malformed_json: 0.05, slow: 0.05 },
      slowMs: 300
    })
    const input = events(300)
    const report = await runEvents(
      asInput(input),
      fast(em, {
        settings: { ...settings, apiFormat },
        endpoint: { baseUrl: em.url, timeoutMs: 100 },
        batchSize: 10,
        maxRetries: 3
      })
    )
    expect(report.outcomes).toHaveLength(300)
    expect(report.delivered + report.failed).toBe(300)
    for (const o of report.outcomes) {
      if (!o.delivered) expect(o.reason).toEqual(expect.any(String))
    }
    // Every delivered event reached TikTok with its own id; none got a new one on a retry.
    const ids = receivedIds(em)
    for (const o of report.outcomes.filter((x) => x.delivered)) expect(ids.has(o.eventId)).toBe(true)
    expect([...ids].every((id) => /^evt-\d+$/.test(id ?? ''))).toBe(true)
  })
})

describe('runner: failures end with a reason, and can be replayed', () => {
  it('gives up after the retry limit, writes the events with their reasons, and a replay delivers them', async () => {
    const storm = await emulate({ rates: { rate_limit: 1 } })
    const input = events(5)
    const report = await runEvents(asInput(input), fast(storm, { maxRetries: 2 }))
    expect(report).toMatchObject({ delivered: 0, failed: 5 })
    for (const o of report.outcomes) {
      expect(o).toMatchObject({ attempts: 3, status: 429, reason: expect.stringMatching(/rate limit.*40100/) })
    }
    expect(storm.requests).toHaveLength(3 * 5) // 5 TikTok event names, 3 attempts each
    await storm.close()

    const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-'))
    const failedFile = path.join(dir, 'failed.ndjson')
    expect(writeFailed(report, failedFile)).toBe(5)
    const lines = readFileSync(failedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ failure: { status: 429, attempts: 3 }, event: input[0] })

    const healthy = await emulate()
    const replay = await runEvents(await readEvents(failedFile), fast(healthy))
    expect(replay).toMatchObject({ delivered: 5, failed: 0 })
    expect(receivedIds(healthy)).toEqual(new Set(input.map((_, i) => `evt-${i}`)))
  })

  it('does not retry what cannot succeed: a revoked token is refused once per event', async () => {
    const em = await emulate({ accessTokens: ['another-token'] })
    const report = await runEvents(asInput(events(3)), fast(em))
    expect(report.failed).toBe(3)
    for (const o of report.outcomes)
      expect(o).toMatchObject({ attempts: 1, reason: expect.stringMatching(/invalid or revoked/) })
    expect(JSON.stringify(report)).not.toContain(DEFAULT_ACCESS_TOKEN)
  })

  it('retries a reply slower than the timeout', async () => {
    const em = await emulate({ script: ['slow'], slowMs: 400 })
    const report = await runEvents(asInput(events(1)), fast(em, { endpoint: { baseUrl: em.url, timeoutMs: 100 } }))
    expect(report).toMatchObject({ delivered: 1, failed: 0 })
    expect(report.outcomes[0].attempts).toBe(2)
  })

  it('refuses bad events with their reason and delivers the rest: nothing is dropped silently', async () => {
    const em = await emulate()
    const input = [
      ...events(3).map((e) => JSON.stringify(e)),
      JSON.stringify({ event_name: 'newsletter_popup', properties: { id: 'x1' } }),
      JSON.stringify({ ...simpleEvent('purchase', 'v1', 'x2'), event_timestamp: 'soon' }),
      '{"event_name": "purchase", ',
      '[1, 2]'
    ].join('\n')
    const report = await runEvents(parseEvents(input), fast(em))
    expect(report).toMatchObject({ total: 7, delivered: 3, failed: 4 })
    const reasons = report.outcomes.filter((o) => !o.delivered).map((o) => o.reason)
    expect(reasons).toEqual([
      'no subscription matches event_name "newsletter_popup"',
      expect.stringMatching(/timestamp: "soon" is not a date/),
      expect.stringMatching(/line 6 is not JSON/),
      'not a Commanders Act event (a JSON object)'
    ])
    const summary = formatSummary(report)
    expect(summary).toMatch(/7 events: 3 delivered, 4 refused/)
    expect(summary).toMatch(/1 x no subscription matches event_name "newsletter_popup"/)
  })

  it('one request per event without batching', async () => {
    const em = await emulate()
    const report = await runEvents(asInput(events(4)), fast(em, { batching: false }))
    expect(report).toMatchObject({ delivered: 4, requests: 4 })
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
    const report = await runEvents(asInput([big, small]), fast(em, { subscriptions }))
    expect(report.outcomes.map((o) => [o.eventId, o.tiktokEvent, o.delivered])).toEqual([
      ['big', 'CompletePayment', true],
      ['small', 'PlaceAnOrder', true]
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
    const report = await runEvents(asInput(input), fast(em, { subscriptions }))
    expect(report).toMatchObject({ delivered: 6, requests: 4 })
    expect(em.requests.map((r) => r.path).sort()).toEqual([
      '/open_api/v1.3/pixel/batch/',
      '/open_api/v1.3/pixel/track/',
      '/open_api/v1.3/pixel/track/',
      '/open_api/v1.3/pixel/track/'
    ])
  })

  it('a dry run builds every body and sends nothing', async () => {
    const em = await emulate()
    const report = await runEvents(asInput(events(3)), fast(em, { dryRun: true }))
    expect(report).toMatchObject({ delivered: 3, requests: 0, dryRun: true })
    expect(em.requests).toHaveLength(0)
    expect(report.outcomes[0].sent).toMatchObject({
      pixel_code: DEFAULT_PIXEL_CODE,
      event: 'AddPaymentInfo',
      event_id: 'evt-0'
    })
  })

  it('uses a mapping file instead of the presets', async () => {
    const em = await emulate()
    const subscriptions = subscriptionsFromFile([
      {
        subscribe: 'event = "purchase"',
        mapping: { event: 'PlaceAnOrder', description: { '@path': '$.properties.id' } }
      }
    ])
    const report = await runEvents(asInput([simpleEvent('purchase', 'v1', 'p1')]), fast(em, { subscriptions }))
    expect(report.delivered).toBe(1)
    expect(em.received[0].body).toMatchObject({ event: 'PlaceAnOrder', properties: { description: 'p1' } })
  })
})

describe('command line', () => {
  const cli = path.join(root, 'bin/tiktok-commanders.js')
  const run = promisify(execFile)

  it('send: exit 1 when anything was refused, a summary, and the refused events in a file', async () => {
    const em = await emulate()
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'))
    const file = path.join(dir, 'events.ndjson')
    writeFileSync(
      file,
      [...events(3), { event_name: 'nope', properties: { id: 'n' } }].map((e) => JSON.stringify(e)).join('\n')
    )
    const failedOut = path.join(dir, 'failed.ndjson')
    const env = { ...process.env, TIKTOK_ACCESS_TOKEN: DEFAULT_ACCESS_TOKEN, TIKTOK_PIXEL_CODE: DEFAULT_PIXEL_CODE }
    const result = await run('node', [cli, 'send', file, '--endpoint', em.url, '--failed-out', failedOut], {
      env
    }).catch((e: { code: number; stdout: string; stderr: string }) => e)
    expect((result as { code?: number }).code).toBe(1)
    expect(result.stdout).toMatch(/4 events: 3 delivered, 1 refused/)
    expect(result.stdout + result.stderr).not.toContain(DEFAULT_ACCESS_TOKEN)
    expect(readFileSync(failedOut, 'utf8')).toMatch(/no subscription matches event_name \\"nope\\"/)
  })

  it('send: a usage error exits 2 and says what is missing', async () => {
    const result = await run('node', [cli, 'send', 'x.ndjson'], { env: { PATH: process.env.PATH } }).catch(
      (e: { code: number; stderr: string }) => e
    )
    expect((result as { code?: number }).code).toBe(2)
    expect(result.stderr).toMatch(/no access token: pass --access-token or set TIKTOK_ACCESS_TOKEN/)
  })

  it('emulator: runs alone on the given port until stopped', async () => {
    const { spawn } = await import('child_process')
    const port = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn('node', [cli, 'emulator', '--port', String(port)])
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => resolve(d.toString()))
        child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
      })
      expect(banner).toContain(`listening on http://127.0.0.1:${port}`)
      const reply = await fetch(`http://127.0.0.1:${port}/open_api/v1.3/pixel/track/`, {
        method: 'POST',
        headers: { 'Access-Token': DEFAULT_ACCESS_TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ pixel_code: DEFAULT_PIXEL_CODE, event: 'ViewContent', event_id: 'cli-1' })
      })
      expect(await reply.json()).toMatchObject({ code: 0 })
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })

  it('demo (npm start) replays the bundled sample against the emulator and succeeds', async () => {
    const { stdout } = await run('node', [cli, 'demo'])
    expect(stdout).toMatch(/41 events: 36 delivered, 5 refused, in \d+ requests/)
    expect(stdout).toMatch(/One event as TikTok received it \(CompletePayment\)/)
  })
})
