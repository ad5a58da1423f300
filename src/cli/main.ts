import { existsSync, readFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { parseArgs } from 'util'
import { API_FORMATS, type ApiFormat } from '../destinations/tiktok-commanders/settings'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import { TIKTOK_BASE_URL } from '../destinations/tiktok-commanders/tiktok/constants'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_APP_ID,
  DEFAULT_CRM_EVENT_SET_ID,
  DEFAULT_OFFLINE_EVENT_SET_ID,
  DEFAULT_PIXEL_CODE,
  startEmulator
} from '../emulator'
import { replay, type EventOutcome, type Progress } from '../runner/run'
import { subscriptionsFromFile } from '../runner/subscriptions'
import { formatSummary } from '../runner/summary'
import { startStudio } from '../studio/server'

const USAGE = `tiktok-commanders: replay Commanders Act events to the TikTok Events API

  tiktok-commanders demo
      Replays the bundled sample against the built-in TikTok emulator; no TikTok account needed.
  tiktok-commanders send <events.ndjson | events.json | events.ndjson.gz | ->
      --endpoint URL          send to this base URL instead of TikTok (e.g. a running emulator: http://127.0.0.1:8787)
      --access-token T        or TIKTOK_ACCESS_TOKEN
      --pixel-code P          or TIKTOK_PIXEL_CODE
      --test-event-code C     or TIKTOK_TEST_EVENT_CODE (TikTok does not save live events carrying it)
      --api-format F          pixel (default) or events_2_0: the format of web events
      --app-id A              or TIKTOK_APP_ID: the TikTok App ID app events report to
      --offline-event-set-id O  or TIKTOK_OFFLINE_EVENT_SET_ID
      --crm-event-set-id C    or TIKTOK_CRM_EVENT_SET_ID
      --default-phone-country CC  reads national phone numbers (06 12 34 56 78) in this country (e.g. FR)
      --mapping FILE          subscriptions JSON [{ "subscribe": "event = \\"x\\"", "mapping": {...} }]; default: presets
      --batch-size N          events per request (default 50, 1 to 1000)
      --no-batch              one request per event
      --concurrency N         requests in flight (default 4)
      --max-rps N             requests per second at most (default 1000, TikTok's limit per token)
      --max-retries N         retries of a retryable failure (default 5)
      --timeout MS            how long to wait for an answer (default 10000)
      --require-consent C     send only events whose user.consent_categories hold these (e.g. 3 or 3,5)
      --failed-out FILE       where refused events go, replayable with send (default failed-events.ndjson)
      --journal FILE          what is settled, for --resume (default: the failed-out file + .journal)
      --resume                skip what an interrupted run of the same input settled
      --dry-run               print the TikTok bodies on stdout (the summary on stderr), send nothing
  tiktok-commanders emulator [--port N] [--host H]
      Runs the TikTok Events API emulator alone (token ${DEFAULT_ACCESS_TOKEN}, pixel ${DEFAULT_PIXEL_CODE}).
      GET /emulator/stats: counters as JSON; GET /emulator/requests?limit=N: the latest requests, newest first.
  tiktok-commanders studio [--port N] [--host H]
      The studio: a web page to configure, map, test and replay, with the emulator beside it (default port 8800,
      host 127.0.0.1).

Exit code: 0 when every event was delivered (or not sent by choice), 1 when any was refused or the run stopped early,
2 on a usage error or an unreadable input, 130/143 when interrupted by SIGINT/SIGTERM.`

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'send':
      return send(rest)
    case 'demo':
      return demo()
    case 'emulator':
      return emulator(rest)
    case 'studio':
      return studio(rest)
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

type Flags = Record<string, { type: 'string' | 'boolean' }>

/** Unknown options and missing values are usage errors; every command knows --help. */
function parse(
  args: string[],
  options: Flags
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: { ...options, help: { type: 'boolean' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

async function send(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    endpoint: { type: 'string' },
    'access-token': { type: 'string' },
    'pixel-code': { type: 'string' },
    'test-event-code': { type: 'string' },
    'api-format': { type: 'string' },
    'app-id': { type: 'string' },
    'offline-event-set-id': { type: 'string' },
    'crm-event-set-id': { type: 'string' },
    'default-phone-country': { type: 'string' },
    mapping: { type: 'string' },
    'batch-size': { type: 'string' },
    'no-batch': { type: 'boolean' },
    concurrency: { type: 'string' },
    'max-rps': { type: 'string' },
    'max-retries': { type: 'string' },
    timeout: { type: 'string' },
    'require-consent': { type: 'string' },
    'failed-out': { type: 'string' },
    journal: { type: 'string' },
    resume: { type: 'boolean' },
    'dry-run': { type: 'boolean' }
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError('send takes one input: a .ndjson or .json file, or - for stdin')
  const input = positionals[0]
  const env = process.env
  const accessToken = (values['access-token'] as string | undefined) ?? env.TIKTOK_ACCESS_TOKEN
  const pixelCode = (values['pixel-code'] as string | undefined) ?? env.TIKTOK_PIXEL_CODE
  const dryRun = (values['dry-run'] as boolean | undefined) ?? false
  if (!dryRun && !accessToken) throw new UsageError('no access token: pass --access-token or set TIKTOK_ACCESS_TOKEN')
  if (!pixelCode) throw new UsageError('no pixel code: pass --pixel-code or set TIKTOK_PIXEL_CODE')
  const settings: Settings = {
    accessToken: accessToken ?? '',
    pixelCode,
    testEventCode: (values['test-event-code'] as string | undefined) ?? env.TIKTOK_TEST_EVENT_CODE,
    apiFormat: apiFormat(values['api-format'] as string | undefined),
    appId: (values['app-id'] as string | undefined) ?? env.TIKTOK_APP_ID,
    offlineEventSetId: (values['offline-event-set-id'] as string | undefined) ?? env.TIKTOK_OFFLINE_EVENT_SET_ID,
    crmEventSetId: (values['crm-event-set-id'] as string | undefined) ?? env.TIKTOK_CRM_EVENT_SET_ID,
    defaultPhoneCountry: values['default-phone-country'] as string | undefined
  }
  // Every path is checked before anything is sent: a missing folder must not cost the refused events of a long run.
  if (input !== '-' && !existsSync(input)) throw new UsageError(`the input ${input} does not exist`)
  const failedOut = (values['failed-out'] as string | undefined) ?? 'failed-events.ndjson'
  const journal = (values.journal as string | undefined) ?? `${failedOut}.journal`
  for (const file of [failedOut, journal]) {
    const dir = path.dirname(path.resolve(file))
    if (!existsSync(dir)) throw new UsageError(`cannot write ${file}: the folder ${dir} does not exist`)
  }
  const subscriptions = values.mapping ? mappingFile(values.mapping as string) : undefined

  const stop = new AbortController()
  const stopOnSignals = interruptible(stop)
  // `--dry-run | head`: once the reader is gone, stop quietly instead of dying on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') stop.abort('the output was closed')
  })
  const out = dryRun ? process.stderr : process.stdout
  const summary = await withProgress((onProgress) =>
    replay(input, {
      settings,
      endpoint: {
        baseUrl: endpointUrl(values.endpoint as string | undefined),
        timeoutMs: integer(values.timeout, '--timeout', 1)
      },
      subscriptions,
      batching: !values['no-batch'],
      batchSize: integer(values['batch-size'], '--batch-size', 1, 1000),
      concurrency: integer(values.concurrency, '--concurrency', 1),
      maxRps: integer(values['max-rps'], '--max-rps', 1),
      maxRetries: integer(values['max-retries'], '--max-retries', 0),
      requireConsent: consent(values['require-consent'] as string | undefined),
      dryRun,
      onDryRunBody: (body) => {
        if (!stop.signal.aborted) process.stdout.write(`${JSON.stringify(body)}\n`)
      },
      failedOut: dryRun ? undefined : failedOut,
      journal: dryRun ? undefined : journal,
      resume: (values.resume as boolean | undefined) ?? false,
      signal: stop.signal,
      onProgress
    })
  )
  stopOnSignals.done()
  if (stop.signal.reason === 'the output was closed') return 0
  out.write(`${formatSummary(summary)}\n`)
  if (summary.failedFile) {
    out.write(`${summary.failedWritten} refused events written with their reasons to ${summary.failedFile}\n`)
  }
  if (summary.stopped && !dryRun) out.write(`Resume with the same command and --resume to send the rest.\n`)
  if (summary.read === 0 && !summary.stopped) {
    process.stderr.write(`tiktok-commanders: the input holds no events\n`)
    return 2
  }
  if (stopOnSignals.signal) return stopOnSignals.signal === 'SIGINT' ? 130 : 143
  if (summary.stopped?.startsWith('the input cannot be read')) return 2
  return summary.refused || summary.stopped ? 1 : 0
}

/** The first SIGINT/SIGTERM stops the run gracefully; a second one exits at once. */
function interruptible(stop: AbortController) {
  const state: { signal?: NodeJS.Signals; done: () => void } = { done: () => {} }
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.signal) process.exit(signal === 'SIGINT' ? 130 : 143)
    state.signal = signal
    process.stderr.write(`\n${signal}: finishing the requests in flight; send it again to quit at once\n`)
    stop.abort(`interrupted by ${signal}`)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  state.done = () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  return state
}

/** `npm start`: the bundled sample against the built-in emulator, so a newcomer sees it work in one command. */
async function demo(): Promise<number> {
  const emulator = await startEmulator({ port: 0 })
  try {
    const sample = path.resolve(__dirname, '../../samples/commanders-act-events.ndjson')
    process.stdout.write(`Replaying the Commanders Act events of ${path.relative(process.cwd(), sample)}\n`)
    process.stdout.write(`to the built-in TikTok Events API emulator at ${emulator.url}\n\n`)
    let example: EventOutcome | undefined
    const summary = await replay(sample, {
      settings: {
        accessToken: DEFAULT_ACCESS_TOKEN,
        pixelCode: DEFAULT_PIXEL_CODE,
        appId: DEFAULT_APP_ID,
        offlineEventSetId: DEFAULT_OFFLINE_EVENT_SET_ID,
        crmEventSetId: DEFAULT_CRM_EVENT_SET_ID,
        defaultPhoneCountry: 'FR',
        testEventCode: 'DEMO'
      },
      endpoint: { baseUrl: emulator.url },
      backoffMs: 50,
      failedOut: path.join(os.tmpdir(), `tiktok-commanders-demo-failed-events-${process.pid}.ndjson`),
      onSettled: (o) => {
        if (!example && o.status === 'delivered' && o.sent && o.tiktokEvent === 'CompletePayment') example = o
      }
    })
    if (example) {
      process.stdout.write(`One event as TikTok received it (${example.tiktokEvent}):\n`)
      process.stdout.write(`${JSON.stringify(example.sent, null, 2)}\n\n`)
    }
    const stats = emulator.stats()
    process.stdout.write(`The emulator accepted ${stats.acceptedEvents} events in ${stats.requests} requests.\n\n`)
    process.stdout.write(`${formatSummary(summary)}\n`)
    if (summary.failedFile) {
      process.stdout.write(
        `${summary.failedWritten} refused events written with their reasons to ${summary.failedFile}\n`
      )
    }
    // The sample holds a few bad events on purpose: the demo succeeds when each of them is refused with its reason
    // and every other event is delivered.
    const accounted = summary.delivered + summary.refused === summary.read
    return accounted && summary.delivered === stats.acceptedEvents ? 0 : 1
  } finally {
    await emulator.close()
  }
}

async function emulator(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string' }, host: { type: 'string' } })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const server = await startEmulator({
    port: integer(values.port, '--port', 0, 65535) ?? 8787,
    host: values.host as string | undefined,
    keepReceived: false
  })
  process.stdout.write(
    `TikTok Events API emulator listening on ${server.url}\n` +
      `Access-Token: ${DEFAULT_ACCESS_TOKEN}  pixel code: ${DEFAULT_PIXEL_CODE}\n` +
      `What arrived: GET ${server.url}/emulator/stats (counters), ${server.url}/emulator/requests?limit=10 (bodies)\n` +
      `Try: tiktok-commanders send samples/commanders-act-events.ndjson --endpoint ${server.url} ` +
      `--access-token ${DEFAULT_ACCESS_TOKEN} --pixel-code ${DEFAULT_PIXEL_CODE} --app-id ${DEFAULT_APP_ID} ` +
      `--offline-event-set-id ${DEFAULT_OFFLINE_EVENT_SET_ID} --crm-event-set-id ${DEFAULT_CRM_EVENT_SET_ID}\n`
  )
  await waitForSignal()
  await server.close()
  return 0
}

async function studio(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } })
  // The inspector shows the latest events; a studio left open for days must not keep every one it ever received.
  const emulator = await startEmulator({ port: 0, keepReceived: 10_000 })
  try {
    const server = await startStudio({
      emulator,
      port: integer(values.port, '--port', 0, 65535) ?? 8800,
      host: values.host,
      // Configured for the emulator from the start, with its public token and ids, as the demo is.
      initialSettings: {
        accessToken: DEFAULT_ACCESS_TOKEN,
        pixelCode: DEFAULT_PIXEL_CODE,
        appId: DEFAULT_APP_ID,
        offlineEventSetId: DEFAULT_OFFLINE_EVENT_SET_ID,
        crmEventSetId: DEFAULT_CRM_EVENT_SET_ID,
        defaultPhoneCountry: 'FR'
      }
    })
    process.stdout.write(
      `Studio: ${server.url}/\n` +
        `TikTok emulator beside it at ${emulator.url} (token ${DEFAULT_ACCESS_TOKEN}, pixel ${DEFAULT_PIXEL_CODE}).\n` +
        'It starts configured for the emulator; change the settings in the page to use TikTok.\n' +
        'Ctrl-C stops both.\n'
    )
    await waitForSignal()
    await server.close()
  } finally {
    await emulator.close()
  }
  return 0
}

function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

/** A progress line on stderr, in a terminal only: logs and pipes get the summary alone. */
async function withProgress<T>(run: (onProgress: (p: Progress) => void) => Promise<T>): Promise<T> {
  const enabled = !!process.stderr.isTTY
  let shown = false
  const onProgress = (p: Progress) => {
    if (!enabled) return
    shown = true
    const share = p.bytesTotal ? ` ${Math.floor((p.bytesRead / p.bytesTotal) * 100)}% read,` : ''
    process.stderr.write(
      `\r${share} ${p.read} events read, ${p.delivered} delivered, ${p.refused} refused, ${p.notSent} not sent, ` +
        `${p.requests} requests `
    )
  }
  try {
    return await run(onProgress)
  } finally {
    if (shown) process.stderr.write('\n')
  }
}

/** A mapping file's errors name the file (and, from subscriptionsFromFile, the subscription and its clause). */
function mappingFile(file: string) {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new UsageError(`mapping file ${file}: ${(err as Error).message}`)
  }
  try {
    return subscriptionsFromFile(json)
  } catch (err) {
    throw new UsageError(`mapping file ${file}: ${(err as Error).message}`)
  }
}

/** A base URL with its scheme; a trailing `/` would double the one every API path starts with. */
function endpointUrl(value: string | undefined): string {
  if (value === undefined) return TIKTOK_BASE_URL
  let url: URL
  try {
    url = new URL(value)
  } catch {
    url = new URL('invalid:')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint takes a URL with its scheme, e.g. http://127.0.0.1:8787 (got ${value})`)
  }
  return value.replace(/\/+$/, '')
}

function consent(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const list = value.split(',').map((c) => c.trim())
  if (list.some((c) => !c)) throw new UsageError('--require-consent takes category ids separated by commas, e.g. 3,5')
  return list
}

function apiFormat(value: string | undefined): ApiFormat | undefined {
  if (value === undefined) return undefined
  if (!(API_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--api-format must be one of ${API_FORMATS.join(', ')}`)
  }
  return value as ApiFormat
}

function integer(value: unknown, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !value.trim() || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} takes a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`)
  }
  return n
}

/** Runs the CLI and sets the process exit code: usage errors and unreadable inputs get a message, not a stack. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code
    },
    (err: Error) => {
      // Never a stack trace or a setting's value: the message says what to fix.
      const hint = err instanceof UsageError ? '\nRun with --help for usage.\n' : ''
      process.stderr.write(`tiktok-commanders: ${err.message}\n${hint}`)
      process.exitCode = 2
    }
  )
}

if (require.main === module) void runCli(process.argv.slice(2))
