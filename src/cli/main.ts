import { readFileSync } from 'fs'
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
import { readEvents, type InputRecord } from '../runner/read-events'
import { runEvents, type RunOptions, type RunReport } from '../runner/run'
import { subscriptionsFromFile } from '../runner/subscriptions'
import { formatSummary, writeFailed } from '../runner/summary'
import { startStudio } from '../studio/server'

const USAGE = `tiktok-commanders: replay Commanders Act events to the TikTok Events API

  tiktok-commanders demo
      Replays the bundled sample against the built-in TikTok emulator; no TikTok account needed.
  tiktok-commanders send <events.ndjson | events.json | ->
      --endpoint URL          send to this base URL instead of TikTok (e.g. a running emulator)
      --access-token T        or TIKTOK_ACCESS_TOKEN
      --pixel-code P          or TIKTOK_PIXEL_CODE
      --test-event-code C     or TIKTOK_TEST_EVENT_CODE (TikTok does not save live events carrying it)
      --api-format F          pixel (default) or events_2_0: the format of web events
      --app-id A              or TIKTOK_APP_ID: the TikTok App ID app events report to
      --offline-event-set-id O  or TIKTOK_OFFLINE_EVENT_SET_ID
      --crm-event-set-id C    or TIKTOK_CRM_EVENT_SET_ID
      --default-phone-country CC  reads national phone numbers (06 12 34 56 78) in this country (e.g. FR)
      --mapping FILE          subscriptions JSON [{ "subscribe": "event = \\"x\\"", "mapping": {...} }]; default: presets
      --batch-size N          events per request (default 50, at most 1000)
      --no-batch              one request per event
      --concurrency N         requests in flight (default 4)
      --max-retries N         retries of a retryable failure (default 5)
      --timeout MS            how long to wait for an answer (default 10000)
      --failed-out FILE       where refused events go, replayable with send (default failed-events.ndjson)
      --dry-run               print the TikTok bodies, send nothing
  tiktok-commanders emulator [--port N] [--host H]
      Runs the TikTok Events API emulator alone (token ${DEFAULT_ACCESS_TOKEN}, pixel ${DEFAULT_PIXEL_CODE}).
  tiktok-commanders studio [--port N] [--host H]
      The studio: a web page to configure, map, test and replay, with the emulator beside it (default port 8800,
      host 127.0.0.1).

Exit code: 0 when every event was delivered, 1 when any was refused, 2 on a usage error.`

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

async function send(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
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
      'max-retries': { type: 'string' },
      timeout: { type: 'string' },
      'failed-out': { type: 'string' },
      'dry-run': { type: 'boolean' }
    }
  })
  if (positionals.length !== 1) throw new UsageError('send takes one input: a .ndjson or .json file, or - for stdin')
  const env = process.env
  const accessToken = values['access-token'] ?? env.TIKTOK_ACCESS_TOKEN
  const pixelCode = values['pixel-code'] ?? env.TIKTOK_PIXEL_CODE
  const dryRun = values['dry-run'] ?? false
  if (!dryRun && !accessToken) throw new UsageError('no access token: pass --access-token or set TIKTOK_ACCESS_TOKEN')
  if (!pixelCode) throw new UsageError('no pixel code: pass --pixel-code or set TIKTOK_PIXEL_CODE')
  const settings: Settings = {
    accessToken: accessToken ?? '',
    pixelCode,
    testEventCode: values['test-event-code'] ?? env.TIKTOK_TEST_EVENT_CODE,
    apiFormat: apiFormat(values['api-format']),
    appId: values['app-id'] ?? env.TIKTOK_APP_ID,
    offlineEventSetId: values['offline-event-set-id'] ?? env.TIKTOK_OFFLINE_EVENT_SET_ID,
    crmEventSetId: values['crm-event-set-id'] ?? env.TIKTOK_CRM_EVENT_SET_ID,
    defaultPhoneCountry: values['default-phone-country']
  }
  const records = await readEvents(positionals[0])
  const report = await run(records, {
    settings,
    endpoint: { baseUrl: values.endpoint ?? TIKTOK_BASE_URL, timeoutMs: integer(values.timeout, '--timeout') },
    subscriptions: values.mapping ? subscriptionsFromFile(JSON.parse(readFileSync(values.mapping, 'utf8'))) : undefined,
    batching: !values['no-batch'],
    batchSize: integer(values['batch-size'], '--batch-size'),
    concurrency: integer(values.concurrency, '--concurrency'),
    maxRetries: integer(values['max-retries'], '--max-retries'),
    dryRun
  })
  if (dryRun) {
    for (const o of report.outcomes) if (o.sent) process.stdout.write(`${JSON.stringify(o.sent)}\n`)
  }
  return finish(report, values['failed-out'] ?? 'failed-events.ndjson')
}

/** `npm start`: the bundled sample against the built-in emulator, so a newcomer sees it work in one command. */
async function demo(): Promise<number> {
  const emulator = await startEmulator({ port: 0 })
  try {
    const sample = path.resolve(__dirname, '../../samples/commanders-act-events.ndjson')
    const records = await readEvents(sample)
    process.stdout.write(
      `Replaying ${records.length} Commanders Act events from ${path.relative(process.cwd(), sample)}\n`
    )
    process.stdout.write(`to the built-in TikTok Events API emulator at ${emulator.url}\n\n`)
    const report = await run(records, {
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
      keepSent: true
    })
    const example = report.outcomes.find((o) => o.delivered && o.sent && o.tiktokEvent === 'CompletePayment')
    if (example) {
      process.stdout.write(`\nOne event as TikTok received it (${example.tiktokEvent}):\n`)
      process.stdout.write(`${JSON.stringify(example.sent, null, 2)}\n\n`)
    }
    process.stdout.write(
      `The emulator accepted ${emulator.received.length} events in ${emulator.requests.length} requests.\n`
    )
    const code = finish(report, path.join(os.tmpdir(), 'tiktok-commanders-demo-failed-events.ndjson'))
    // The sample holds a few bad events on purpose: the demo succeeds when each of them is refused with its reason
    // and every other event is delivered.
    const accounted = report.delivered + report.failed === records.length
    return accounted && report.delivered === emulator.received.length ? 0 : code
  } finally {
    await emulator.close()
  }
}

async function emulator(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } })
  const server = await startEmulator({ port: integer(values.port, '--port') ?? 8787, host: values.host })
  process.stdout.write(
    `TikTok Events API emulator listening on ${server.url}\n` +
      `Access-Token: ${DEFAULT_ACCESS_TOKEN}  pixel code: ${DEFAULT_PIXEL_CODE}\n` +
      `Try: tiktok-commanders send samples/commanders-act-events.ndjson --endpoint ${server.url} ` +
      `--access-token ${DEFAULT_ACCESS_TOKEN} --pixel-code ${DEFAULT_PIXEL_CODE}\n`
  )
  await waitForSignal()
  await server.close()
  return 0
}

async function studio(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } })
  const emulator = await startEmulator({ port: 0 })
  try {
    const server = await startStudio({
      emulator,
      port: integer(values.port, '--port') ?? 8800,
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

async function run(records: InputRecord[], options: RunOptions): Promise<RunReport> {
  const progress = progressBar(records.length)
  try {
    return await runEvents(records, { ...options, onProgress: progress.update })
  } finally {
    progress.end()
  }
}

function finish(report: RunReport, failedOut: string): number {
  process.stdout.write(`${formatSummary(report)}\n`)
  const written = report.dryRun ? 0 : writeFailed(report, failedOut)
  if (written) process.stdout.write(`${written} refused events written with their reasons to ${failedOut}\n`)
  return report.failed ? 1 : 0
}

/** A progress bar on stderr, for long runs in a terminal only: logs and pipes get the summary alone. */
function progressBar(total: number) {
  const enabled = process.stderr.isTTY && total >= 1000
  let last = 0
  return {
    update: (done: number) => {
      const now = Date.now()
      if (!enabled || (now - last < 100 && done < total)) return
      last = now
      const width = 30
      const filled = Math.round((done / total) * width)
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
    },
    end: () => {
      if (enabled) process.stderr.write('\n')
    }
  }
}

function apiFormat(value: string | undefined): ApiFormat | undefined {
  if (value === undefined) return undefined
  if (!(API_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--api-format must be one of ${API_FORMATS.join(', ')}`)
  }
  return value as ApiFormat
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number`)
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
