import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { PATHS, TIKTOK_CODES } from '../destinations/tiktok-commanders/tiktok/constants'
import { readBody } from '../http/read-body'
import { isJsonObject, validateEvents2, validatePixelBatch, validatePixelTrack, type TikTokReply } from './validate'
import { RecentKeys } from './recent-keys'

// A loopback stand-in for TikTok's Events API v1.3, for tests, the CLI and the benchmark. It answers the way TikTok
// does (HTTP 200 with a business code in the body) and can inject the failures a real client must survive.

export const FAULTS = [
  'rate_limit',
  'server_error',
  'gateway_html',
  'slow',
  'drop',
  'malformed_json',
  'internal_error_code'
] as const
export type Fault = (typeof FAULTS)[number]

export interface EmulatorOptions {
  /** Accepted `Access-Token` values; default ['emulator-token']. */
  accessTokens?: string[]
  /**
   * Source ids the token may use: pixel codes, app ids, offline and CRM event set ids; default the four DEFAULT_*
   * ids below.
   */
  pixelCodes?: string[]
  /** Request n (0-based, counted over all API requests) gets script[n]; past the end: 'ok', or `rates`. */
  script?: Array<Fault | 'ok'>
  /** Per-request probability of each fault, applied when no script entry, drawn from a seeded PRNG. Sum <= 1. */
  rates?: Partial<Record<Fault, number>>
  /** PRNG seed, default 1. */
  seed?: number
  /** Delay for 'slow' (default 2000 ms), after which the request is answered normally. */
  slowMs?: number
  /** Clock for the future-timestamp rule; default Date.now. */
  now?: () => number
}

export interface StartEmulatorOptions extends EmulatorOptions {
  /** Default 0: any free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /**
   * Default true: every received event (tests). false keeps only counters and the bounded windows (the standalone
   * emulator, benchmarks); a number keeps that many of the latest events.
   */
  keepReceived?: boolean | number
  /** How many of the latest API requests keep their body for `GET /emulator/requests`. Default 100. */
  recentRequests?: number
  /** How many distinct (pixel, event, event_id) keys duplicates are counted against. Default 1,000,000. */
  dedupWindow?: number
  /** Request bodies above this size are answered 413 without being parsed. Default 10 MiB. */
  maxBodyBytes?: number
}

export interface ReceivedEvent {
  format: 'pixel' | 'events_2_0'
  pixelCode: string
  event: string
  eventId?: string
  /** The single event object as received (for /pixel/track/, the whole request body). */
  body: Record<string, unknown>
  testEventCode?: string
}

export interface RequestRecord {
  path: string
  /** HTTP status sent; 0 when the connection was dropped without a reply. */
  status: number
  /** Business code of the JSON reply; absent when the reply was not JSON (HTML, malformed, dropped). */
  code?: number
  message?: string
  /** Events the request carried, whether accepted or not (0 when the body could not be read or parsed). */
  events: number
  /** Absent for requests outside the API routes. */
  fault?: Fault | 'ok'
}

export interface EmulatorStats {
  requests: number
  acceptedRequests: number
  acceptedEvents: number
  rejectedRequests: number
  faultedRequests: number
  duplicates: number
}

/** `GET /emulator/stats`: the counters, plus accepted events per source and requests per TikTok code. */
export interface EmulatorStatsJson extends EmulatorStats {
  /** Accepted events. */
  events: number
  bySource: Record<string, number>
  /** Requests per business code of the reply (`http_<status>` when the reply had none). */
  byCode: Record<string, number>
}

/** One of the latest API requests, as `GET /emulator/requests` lists them (never its headers: they hold the token). */
export interface RecentRequest extends RequestRecord {
  at: string
  body?: unknown
}

export interface Emulator {
  readonly url: string
  readonly port: number
  /** Every event of every accepted request, in arrival order (duplicates included). Empty if keepReceived is false. */
  readonly received: ReceivedEvent[]
  /** One per request, the last 10,000 only. */
  readonly requests: RequestRecord[]
  /** Accepted events repeating an earlier (pixel code, event, event_id), which TikTok's 48 h dedup would merge. */
  duplicates(): number
  /** Totals since start (or the last reset), kept even when keepReceived is false. */
  stats(): EmulatorStats
  /** What `GET /emulator/stats` serves. */
  statsJson(): EmulatorStatsJson
  /** The latest requests with their bodies, newest first (`GET /emulator/requests?limit=N`). */
  recent(limit?: number): RecentRequest[]
  /** Clears received events, the request log and the counters; restarts the script and the PRNG. */
  reset(): void
  /** Closes the server and every open socket, keep-alive ones included. */
  close(): Promise<void>
}

export const DEFAULT_ACCESS_TOKEN = 'emulator-token'
export const DEFAULT_PIXEL_CODE = 'CEMULATORPIXEL0001'
export const DEFAULT_APP_ID = '7301234567890123456'
export const DEFAULT_OFFLINE_EVENT_SET_ID = '7302345678901234567'
export const DEFAULT_CRM_EVENT_SET_ID = '7303456789012345678'
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
const REQUEST_LOG_CAP = 10_000

type Route = 'pixelTrack' | 'pixelBatch' | 'eventTrack'
const ROUTES: ReadonlyMap<string, Route> = new Map([
  [PATHS.pixelTrack, 'pixelTrack'],
  [PATHS.pixelBatch, 'pixelBatch'],
  [PATHS.eventTrack, 'eventTrack']
])

const VALIDATORS: Record<Route, (body: unknown, now: number) => TikTokReply | undefined> = {
  pixelTrack: validatePixelTrack,
  pixelBatch: validatePixelBatch,
  eventTrack: validateEvents2
}

const knownFaults: ReadonlySet<string> = new Set<string>([...FAULTS, 'ok'])

/** mulberry32: tiny, fast and good enough to make fault rates reproducible from a seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// The options may come from a CLI or a config file, where the type system offers no protection.
function checkOptions(options: StartEmulatorOptions): void {
  for (const entry of options.script ?? []) {
    if (!knownFaults.has(entry)) throw new RangeError(`Unknown fault in script: ${String(entry)}`)
  }
  let total = 0
  for (const [fault, rate] of Object.entries(options.rates ?? {})) {
    if (!knownFaults.has(fault) || fault === 'ok') throw new RangeError(`Unknown fault in rates: ${fault}`)
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new RangeError(`Rate of ${fault} must be in [0, 1]`)
    total += rate
  }
  if (total > 1 + 1e-9) throw new RangeError(`Fault rates add up to ${total}, more than 1`)
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) }
  } catch {
    return { ok: false }
  }
}

function countEvents(route: Route, body: unknown): number {
  if (!isJsonObject(body)) return 0
  if (route === 'pixelTrack') return 1
  const list = route === 'pixelBatch' ? body.batch : body.data
  return Array.isArray(list) ? list.length : 0
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

// Only called on bodies the validator accepted, so the shapes below hold.
function eventsOf(route: Route, body: Record<string, unknown>): ReceivedEvent[] {
  const format = route === 'eventTrack' ? 'events_2_0' : 'pixel'
  const pixelCode = pixelCodeOf(route, body) as string
  const items =
    route === 'pixelTrack' ? [body] : ((route === 'pixelBatch' ? body.batch : body.data) as Record<string, unknown>[])
  const testEventCode = optionalString(body.test_event_code)
  return items.map((item) => {
    const event: ReceivedEvent = { format, pixelCode, event: item.event as string, body: item }
    const eventId = optionalString(item.event_id)
    // Absent rather than undefined, so received events compare cleanly with toEqual / deepStrictEqual.
    if (eventId !== undefined) event.eventId = eventId
    if (testEventCode !== undefined) event.testEventCode = testEventCode
    return event
  })
}

function pixelCodeOf(route: Route, body: Record<string, unknown>): unknown {
  return route === 'eventTrack' ? body.event_source_id : body.pixel_code
}

const GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>emulator</center>\r\n</body>\r\n</html>\r\n'
// Cut mid-token, as a reply truncated by a proxy would be.
const MALFORMED_JSON = '{"code":0,"mess'

export function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  try {
    checkOptions(options)
  } catch (error) {
    return Promise.reject(error)
  }
  const accessTokens: ReadonlySet<string> = new Set(options.accessTokens ?? [DEFAULT_ACCESS_TOKEN])
  const pixelCodes: ReadonlySet<string> = new Set(
    options.pixelCodes ?? [DEFAULT_PIXEL_CODE, DEFAULT_APP_ID, DEFAULT_OFFLINE_EVENT_SET_ID, DEFAULT_CRM_EVENT_SET_ID]
  )
  const script = options.script ?? []
  const rates = FAULTS.map((fault) => [fault, options.rates?.[fault] ?? 0] as const).filter(([, rate]) => rate > 0)
  const seed = options.seed ?? 1
  const slowMs = options.slowMs ?? 2000
  const now = options.now ?? Date.now
  const keepReceived = options.keepReceived ?? true
  const receivedCap = keepReceived === true ? Infinity : keepReceived === false ? 0 : keepReceived
  const recentCap = options.recentRequests ?? 100
  const dedupWindow = options.dedupWindow ?? 1_000_000
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const host = options.host ?? '127.0.0.1'

  const received: ReceivedEvent[] = []
  const requests: RequestRecord[] = []
  // 48 bits of an MD5 of each key: a number, not a string, per event, and bounded to the latest dedupWindow keys.
  const seenEvents = new RecentKeys(dedupWindow)
  const bySource = new Map<string, number>()
  const byCode = new Map<string, number>()
  let recentRing: RecentRequest[] = []
  const stats: EmulatorStats = {
    requests: 0,
    acceptedRequests: 0,
    acceptedEvents: 0,
    rejectedRequests: 0,
    faultedRequests: 0,
    duplicates: 0
  }
  let scriptPosition = 0
  let random = seededRandom(seed)
  const requestIdPrefix = randomBytes(6).toString('hex')
  let requestSequence = 0
  // Pending 'slow' delays, resolved early by close() so no handler is left waiting on a cleared timer.
  const timers = new Map<NodeJS.Timeout, () => void>()
  let closing: Promise<void> | undefined

  function nextFault(): Fault | 'ok' {
    const position = scriptPosition++
    if (position < script.length) return script[position]
    if (rates.length === 0) return 'ok'
    // One draw per request, split into consecutive intervals, so each fault's probability is exactly its rate.
    let draw = random()
    for (const [fault, rate] of rates) {
      if (draw < rate) return fault
      draw -= rate
    }
    return 'ok'
  }

  function record(entry: RequestRecord, body?: unknown): void {
    stats.requests++
    requests.push(entry)
    if (requests.length > REQUEST_LOG_CAP) requests.shift()
    const code = entry.code !== undefined ? String(entry.code) : `http_${entry.status}`
    byCode.set(code, (byCode.get(code) ?? 0) + 1)
    if (recentCap > 0 && entry.fault !== undefined) {
      recentRing.push({ ...entry, at: new Date().toISOString(), body })
      if (recentRing.length > recentCap * 2) recentRing = recentRing.slice(-recentCap)
    }
  }

  function accept(route: Route, body: Record<string, unknown>): void {
    const events = eventsOf(route, body)
    // Events API 2.0 names the source once for the whole request; the pixel routes are web only.
    const source = route === 'eventTrack' && typeof body.event_source === 'string' ? body.event_source : 'web'
    for (const event of events) {
      // Without an event_id TikTok has nothing to deduplicate on.
      if (event.eventId !== undefined) {
        const key = createHash('md5')
          .update(JSON.stringify([event.pixelCode, event.event, event.eventId]))
          .digest()
          .readUIntBE(0, 6)
        if (seenEvents.has(key)) stats.duplicates++
        else seenEvents.add(key)
      }
      bySource.set(source, (bySource.get(source) ?? 0) + 1)
      if (receivedCap > 0) {
        received.push(event)
        if (received.length > receivedCap) received.shift()
      }
    }
    stats.acceptedRequests++
    stats.acceptedEvents += events.length
  }

  function sendJson(res: http.ServerResponse, status: number, code: number, message: string): void {
    if (res.destroyed || res.writableEnded) return
    const text = JSON.stringify({
      code,
      message,
      request_id: `${requestIdPrefix}${(requestSequence++).toString(36)}`,
      data: {}
    })
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  function sendRaw(res: http.ServerResponse, status: number, contentType: string, text: string): void {
    if (res.destroyed || res.writableEnded) return
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.set(timer, resolve)
    })
  }

  // Sends a fault reply, or returns false for the faults that answer normally ('ok', 'slow').
  function replyWithFault(
    res: http.ServerResponse,
    path: string,
    fault: Fault | 'ok',
    events: number,
    body: unknown
  ): boolean {
    const log = (status: number, code?: number, message?: string): void => {
      stats.faultedRequests++
      record({ path, status, code, message, events, fault }, body)
    }
    switch (fault) {
      case 'rate_limit': {
        const message = 'Too many requests. Please retry in some time.'
        sendJson(res, 200, TIKTOK_CODES.tooManyRequests, message)
        log(200, TIKTOK_CODES.tooManyRequests, message)
        return true
      }
      case 'server_error': {
        const message = 'Service temporarily unavailable'
        sendJson(res, 503, 50000, message)
        log(503, 50000, message)
        return true
      }
      case 'gateway_html':
        sendRaw(res, 502, 'text/html', GATEWAY_HTML)
        log(502)
        return true
      case 'malformed_json':
        sendRaw(res, 200, 'application/json', MALFORMED_JSON)
        log(200)
        return true
      case 'internal_error_code': {
        const message = 'Internal error'
        sendJson(res, 200, 50002, message)
        log(200, 50002, message)
        return true
      }
      default:
        return false
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const [path, query] = (req.url ?? '/').split('?')
    const route = req.method === 'POST' ? ROUTES.get(path) : undefined
    if (req.method === 'GET' && (path === '/emulator/stats' || path === '/emulator/requests')) {
      await readBody(req, 0)
      const limit = Number(new URLSearchParams(query ?? '').get('limit') ?? recentCap)
      const value = path === '/emulator/stats' ? statsJson() : recent(Number.isInteger(limit) ? limit : recentCap)
      sendRaw(res, 200, 'application/json', JSON.stringify(value))
      return
    }
    if (!route) {
      // Unknown routes are not TikTok's API: they neither consume a script entry nor get faults.
      await readBody(req, 0)
      sendJson(res, 404, 40400, 'Not found')
      record({ path, status: 404, code: 40400, message: 'Not found', events: 0 })
      return
    }

    const fault = nextFault()
    if (fault === 'drop') {
      stats.faultedRequests++
      record({ path, status: 0, events: 0, fault })
      req.socket.destroy()
      return
    }

    const body = await readBody(req, maxBodyBytes)
    if (body.kind === 'aborted') return
    const parsed = body.kind === 'ok' ? parseJson(body.bytes) : ({ ok: false } as const)
    const events = parsed.ok ? countEvents(route, parsed.value) : 0
    const seen = parsed.ok ? parsed.value : undefined
    if (replyWithFault(res, path, fault, events, seen)) return
    if (fault === 'slow') {
      await delay(slowMs)
      if (closing) return
    }

    const refuse = (status: number, code: number, message: string): void => {
      stats.rejectedRequests++
      sendJson(res, status, code, message)
      record({ path, status, code, message, events, fault }, seen)
    }
    const token = req.headers['access-token']
    if (typeof token !== 'string' || !accessTokens.has(token)) {
      refuse(200, TIKTOK_CODES.invalidToken, 'Access token is invalid or has been revoked')
      return
    }
    if (body.kind === 'too_large') {
      refuse(413, TIKTOK_CODES.invalidParameter, `Request body exceeds ${maxBodyBytes} bytes`)
      return
    }
    if (!parsed.ok) {
      refuse(200, TIKTOK_CODES.invalidParameter, 'Request body is not valid JSON')
      return
    }
    const value = parsed.value
    if (isJsonObject(value)) {
      // A missing or non-string pixel code is a malformed request, left to the validator to name.
      const pixelCode = pixelCodeOf(route, value)
      if (typeof pixelCode === 'string' && !pixelCodes.has(pixelCode)) {
        const source =
          route === 'eventTrack' && value.event_source !== 'web' ? `${String(value.event_source)} id` : 'pixel code'
        refuse(200, TIKTOK_CODES.noPermission, `No permission to operate ${source}: ${pixelCode}`)
        return
      }
    }
    const problem = VALIDATORS[route](value, now())
    if (problem || !isJsonObject(value)) {
      refuse(200, problem?.code ?? TIKTOK_CODES.invalidParameter, problem?.message ?? 'Invalid request body')
      return
    }
    accept(route, value)
    sendJson(res, 200, TIKTOK_CODES.ok, 'OK')
    record({ path, status: 200, code: TIKTOK_CODES.ok, message: 'OK', events, fault }, seen)
  }

  function statsJson(): EmulatorStatsJson {
    return {
      ...stats,
      events: stats.acceptedEvents,
      bySource: Object.fromEntries(bySource),
      byCode: Object.fromEntries(byCode)
    }
  }

  function recent(limit = recentCap): RecentRequest[] {
    return recentRing.slice(-Math.max(0, Math.min(limit, recentCap))).reverse()
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Never let one request take the emulator down; report the bug to the client instead.
      const message = error instanceof Error ? error.message : String(error)
      if (!res.headersSent) sendJson(res, 500, 50000, `Emulator error: ${message}`)
      else res.destroy()
    })
  })
  // Malformed HTTP from a client: drop that connection quietly rather than emit an unhandled error.
  server.on('clientError', (_error, socket) => socket.destroy())

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      const port = (server.address() as AddressInfo).port
      const urlHost = host.includes(':') ? `[${host}]` : host
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        received,
        requests,
        duplicates: () => stats.duplicates,
        stats: () => ({ ...stats }),
        statsJson,
        recent,
        reset() {
          // In place, so references callers already hold see the reset.
          received.length = 0
          requests.length = 0
          seenEvents.clear()
          bySource.clear()
          byCode.clear()
          recentRing = []
          for (const key of Object.keys(stats) as Array<keyof EmulatorStats>) stats[key] = 0
          scriptPosition = 0
          random = seededRandom(seed)
        },
        close() {
          closing ??= new Promise<void>((done, fail) => {
            for (const [timer, release] of timers) {
              clearTimeout(timer)
              release()
            }
            timers.clear()
            server.close((error) => (error ? fail(error) : done()))
            server.closeAllConnections()
          })
          return closing
        }
      })
    })
  })
}
