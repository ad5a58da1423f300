import { Destination } from '@segment/actions-core'
import { build } from 'esbuild'
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { createDestination } from '../destinations/tiktok-commanders'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { TIKTOK_BASE_URL } from '../destinations/tiktok-commanders/tiktok/constants'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import { toFrameworkEvent, type CommandersActEvent } from '../destinations/tiktok-commanders/commanders/event'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_APP_ID,
  DEFAULT_CRM_EVENT_SET_ID,
  DEFAULT_OFFLINE_EVENT_SET_ID,
  DEFAULT_PIXEL_CODE,
  type Emulator
} from '../emulator'
import { readBody } from '../http/read-body'
import type { ConnectionView, DefinitionView, TargetView } from './api-types'
import { describeActions, describeSettings } from './describe'
import { explain, MASK, send } from './explain'
import { inspect } from './inspector'
import { ReplayJobs } from './jobs'
import { MATCH_KEYS, previewEvent } from './preview'
import { readRecords, route } from './replay'
import { loadSamples } from './samples'
import { Session, StudioInputError, type FieldChange } from './session'

// The studio's server: the page, its script, and a small JSON API over the destination's definition, the framework's
// `Destination` and the runner. It holds the TikTok token in memory only, so it answers nobody but its own page.

export interface StudioOptions {
  emulator: Emulator
  /** Default 0: any free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Largest replay upload; default 10 MiB. */
  maxUploadBytes?: number
  samplesFile?: string
  /** Settings the session starts with (the CLI gives the emulator's public token and ids); none by default. */
  initialSettings?: Record<string, unknown>
}

export interface Studio {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

const MAX_JSON_BYTES = 1024 * 1024
const DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
const TIMEOUT_MS = 10_000

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

type Reply = { status?: number; json?: unknown; text?: string; type?: string; download?: string }
type Handler = (req: http.IncomingMessage, params: string[], url: URL) => Promise<Reply>

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const host = options.host ?? '127.0.0.1'
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD
  const session = new Session(createDestination())
  if (options.initialSettings) session.updateSettings(options.initialSettings, 'emulator')
  const jobs = new ReplayJobs()
  const samples = loadSamples(
    options.samplesFile ?? fromCheckout('samples/commanders-act-events.ndjson'),
    sourceOf(session)
  )
  const assets = await clientAssets()
  const targets: TargetView[] = [
    {
      key: 'emulator',
      label: 'Built-in TikTok emulator',
      url: options.emulator.url,
      hint:
        `Runs beside the studio; no TikTok account needed. It accepts the access token ${DEFAULT_ACCESS_TOKEN}, ` +
        `the pixel ID ${DEFAULT_PIXEL_CODE}, the app ID ${DEFAULT_APP_ID}, the offline event set ID ` +
        `${DEFAULT_OFFLINE_EVENT_SET_ID} and the CRM event set ID ${DEFAULT_CRM_EVENT_SET_ID}.`
    },
    {
      key: 'tiktok',
      label: 'TikTok',
      url: TIKTOK_BASE_URL,
      hint: 'The real TikTok Events API: needs a real access token and pixel ID. Set a Test Event Code to keep test events out of your live data.'
    }
  ]
  const endpoint = (): Endpoint => ({
    baseUrl: targets.find((t) => t.key === session.target)?.url ?? TIKTOK_BASE_URL,
    timeoutMs: TIMEOUT_MS
  })
  const context = () => ({ session, definition: createDestination, endpoint: endpoint() })
  const definitionView = async (): Promise<DefinitionView> => {
    const definition = createDestination()
    return {
      name: definition.name,
      description: definition.description,
      settings: describeSettings(definition),
      actions: await describeActions(definition),
      targets,
      matchKeys: [...MATCH_KEYS]
    }
  }

  const routes: Array<[method: string, pattern: RegExp, handler: Handler]> = [
    ['GET', /^\/api\/definition$/, async () => ({ json: await definitionView() })],
    ['GET', /^\/api\/session$/, async () => ({ json: session.view() })],
    [
      'PUT',
      /^\/api\/settings$/,
      async (req) => {
        const body = await readJson(req)
        session.updateSettings(body.settings, body.target)
        return { json: session.view() }
      }
    ],
    [
      'POST',
      /^\/api\/settings\/test$/,
      async () => {
        const destination = new Destination(createDestination(endpoint()))
        let view: ConnectionView
        try {
          await destination.testAuthentication(session.settings as Settings)
          view = { ok: true, message: 'Connected: the access token and the pixel ID are accepted.' }
        } catch (err) {
          view = { ok: false, message: `Not connected: ${(err as Error).message}` }
        }
        return { json: view }
      }
    ],
    [
      'PUT',
      /^\/api\/presets\/(\d+)$/,
      async (req, [index]) => {
        session.setEnabled(Number(index), (await readJson(req)).enabled)
        return { json: session.view() }
      }
    ],
    [
      'PUT',
      /^\/api\/presets\/(\d+)\/fields\/([A-Za-z0-9_]+)$/,
      async (req, [index, field]) => {
        const body = await readJson(req)
        session.setField(Number(index), field, { kind: body.kind as FieldChange['kind'], value: body.value })
        return { json: session.view() }
      }
    ],
    ['GET', /^\/api\/samples$/, async () => ({ json: samples })],
    ['POST', /^\/api\/test$/, async (req) => ({ json: explain((await readJson(req)).event, context()) })],
    ['POST', /^\/api\/send$/, async (req) => ({ json: await send((await readJson(req)).event, context()) })],
    [
      'POST',
      /^\/api\/replay$/,
      async (req) => {
        const bytes = await readCappedBody(req, maxUpload, 'file')
        const { records, error } = await readRecords(bytes)
        if (error !== undefined) throw new HttpError(400, `The file cannot be read: ${error}`)
        if (records.length === 0) {
          throw new HttpError(400, 'The file holds no events: upload NDJSON (one event a line) or a JSON array.')
        }
        if (records.every((r) => r.error !== undefined)) {
          throw new HttpError(400, `The file holds no readable event: ${records[0].error}.`)
        }
        const view = jobs.start({
          bytes,
          total: records.length,
          settings: session.settings,
          endpoint: endpoint(),
          subscriptions: session.subscriptions()
        })
        return { status: 202, json: view }
      }
    ],
    [
      'GET',
      /^\/api\/replay\/([0-9a-f-]+)$/,
      async (_req, [id]) => ({ json: jobs.get(id) ?? notFound('No such replay.') })
    ],
    [
      'GET',
      /^\/api\/replay\/([0-9a-f-]+)\/failed-events\.ndjson$/,
      async (_req, [id]) => {
        const file = jobs.failedFile(id)
        if (file === undefined) notFound('No failed-events file for this replay (yet).')
        return { text: file, type: 'application/x-ndjson', download: 'failed-events.ndjson' }
      }
    ],
    [
      'GET',
      /^\/api\/inspector$/,
      async (_req, _params, url) => {
        const event = url.searchParams.get('event') ?? undefined
        const limit = Number(url.searchParams.get('limit') ?? 50) || 50
        return { json: inspect(options.emulator, { event, limit }) }
      }
    ],
    ['GET', /^\/$/, async () => ({ text: PAGE, type: 'text/html; charset=utf-8' })],
    ['GET', /^\/app\.js$/, async () => ({ text: assets.js, type: 'text/javascript; charset=utf-8' })],
    ['GET', /^\/app\.css$/, async () => ({ text: assets.css, type: 'text/css; charset=utf-8' })]
  ]

  let ownHosts: Set<string> = new Set()
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Never crash on one request, never echo a stack; the message is redacted like every other answer.
      if (!res.headersSent) write(res, { status: 500, json: { error: `Studio error: ${(err as Error).message}` } })
      else res.destroy()
    })
  })
  server.on('clientError', (_err, socket) => socket.destroy())

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding: a page on another name that resolves here carries that name in Host.
    if (!ownHosts.has(req.headers.host ?? '')) {
      return refuse(req, res, 421, 'This studio only answers requests addressed to its own host and port.')
    }
    // Cross-site requests from other tabs carry their own Origin.
    const origin = req.headers.origin
    if (origin !== undefined && !ownHosts.has(origin.replace(/^http:\/\//, ''))) {
      return refuse(req, res, 403, 'This studio only answers its own page.')
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const method = req.method ?? 'GET'
    const matching = routes
      .map(([m, pattern, handler]) => [m, pattern.exec(url.pathname), handler] as const)
      .filter(([, match]) => match)
    if (matching.length === 0) return refuse(req, res, 404, 'Not found.')
    const found = matching.find(([m]) => m === method)
    if (!found) return refuse(req, res, 405, `${method} is not allowed here.`)
    if (method !== 'GET') {
      // A form of another site can post text/plain without asking first; it cannot send these types.
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim()
      if (type !== 'application/json' && type !== 'application/x-ndjson') {
        return refuse(req, res, 415, 'Send application/json (or application/x-ndjson for a replay).')
      }
    }
    const [, match, handler] = found
    try {
      write(res, await handler(req, (match as RegExpExecArray).slice(1), url))
    } catch (err) {
      if (err instanceof HttpError) write(res, { status: err.status, json: { error: err.message } })
      else if (err instanceof StudioInputError) write(res, { status: 400, json: { error: err.message } })
      else throw err
    }
  }

  async function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, error: string) {
    req.resume()
    write(res, { status, json: { error } })
  }

  function write(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.writableEnded) return
    const raw = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '')
    // The emulator's token is public (the CLI prints it): masking it would only garble the page's hint about it.
    const text = redact(
      raw,
      session.secrets().filter((secret) => secret !== DEFAULT_ACCESS_TOKEN)
    )
    const headers: http.OutgoingHttpHeaders = {
      'content-type': reply.json !== undefined ? 'application/json; charset=utf-8' : (reply.type ?? 'text/plain'),
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
    }
    if (reply.download) headers['content-disposition'] = `attachment; filename="${reply.download}"`
    res.writeHead(reply.status ?? 200, headers)
    res.end(text)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  ownHosts = new Set([`${urlHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`])
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
  }
}

/** The source the destination sends a sample from, with every source configured (as the emulator's ids are). */
function sourceOf(session: Session): (event: Record<string, unknown>) => string | undefined {
  const settings = {
    ...session.settings,
    accessToken: DEFAULT_ACCESS_TOKEN,
    pixelCode: DEFAULT_PIXEL_CODE,
    appId: DEFAULT_APP_ID,
    offlineEventSetId: DEFAULT_OFFLINE_EVENT_SET_ID,
    crmEventSetId: DEFAULT_CRM_EVENT_SET_ID
  } as Settings
  const subscriptions = session.subscriptions()
  return (raw) => {
    const event = toFrameworkEvent(raw as CommandersActEvent)
    const subscription = route(subscriptions, event)
    if (!subscription) return undefined
    try {
      return previewEvent(subscription.mapping, event, settings).event.source
    } catch {
      return undefined
    }
  }
}

/** Belt and braces: whatever an answer holds, a secret's value never leaves in it. */
export function redact(text: string, secrets: string[]): string {
  let out = text
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK)
  return out
}

function notFound(message: string): never {
  throw new HttpError(404, message)
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const bytes = await readCappedBody(req, MAX_JSON_BYTES, 'request')
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'The request body must be a JSON object.')
  }
  return value as Record<string, unknown>
}

/** A body up to `cap` bytes; past it, drained (so the answer is read) and refused with 413. */
async function readCappedBody(req: http.IncomingMessage, cap: number, what: 'file' | 'request'): Promise<Buffer> {
  const body = await readBody(req, cap)
  if (body.kind === 'ok') return body.bytes
  if (body.kind === 'aborted') throw new HttpError(400, `The ${what} was cut off before its end.`)
  throw new HttpError(413, `The ${what} is ${mib(body.size)}, over the ${mib(cap)} limit. Split it into smaller files.`)
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`

interface Assets {
  js: string
  css: string
}

/** A file of the checkout, from the sources (src/studio) or from a build of them (dist/src/studio). */
function fromCheckout(file: string): string {
  const found = ['../..', '../../..'].map((up) => path.resolve(__dirname, up, file)).find((p) => existsSync(p))
  if (!found) throw new Error(`The studio needs ${file} from this project's checkout, and it is missing.`)
  return found
}

/** The page's script, bundled from its sources with Preact, and its stylesheet. Built once, when the studio starts. */
async function clientAssets(): Promise<Assets> {
  const dir = fromCheckout('src/studio/client')
  const result = await build({
    entryPoints: [path.join(dir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent'
  })
  return { js: result.outputFiles[0].text, css: readFileSync(path.join(dir, 'styles.css'), 'utf8') }
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TikTok for Commanders Act · studio</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<div id="app"><p>Loading the studio…</p></div>
<noscript>The studio needs JavaScript.</noscript>
</body>
</html>
`
