import { spawn } from 'child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'fs'
import os from 'os'
import path from 'path'
import type { CommandersActEvent } from '../src/destinations/tiktok-commanders/commanders/event'
import { sampleEvents } from '../src/samples'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_APP_ID,
  DEFAULT_CRM_EVENT_SET_ID,
  DEFAULT_OFFLINE_EVENT_SET_ID,
  DEFAULT_PIXEL_CODE
} from '../src/emulator'

// The replay row of `npm run bench`: BENCH_REPLAY_EVENTS (default 1,000,000) generated events written to an NDJSON
// file, then `send` (the CLI, as a user runs it) to the standalone emulator in another process. Prints events/s and
// the peak RSS of both processes (VmHWM, read from /proc while they run). Asserts nothing.

const N = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000)
const root = path.resolve(__dirname, '..')
const bin = path.join(root, 'bin/tiktok-commanders.js')

function sample(): CommandersActEvent[] {
  return (
    sampleEvents()
      // The events the sample holds to be refused on purpose.
      .filter((e) => !/"bad-|no-lead-id@/.test(JSON.stringify(e)))
  )
}

async function generate(file: string): Promise<void> {
  const events = sample()
  const out = createWriteStream(file)
  for (let i = 0; i < N; i++) {
    const e = structuredClone(events[i % events.length])
    if (e.properties) e.properties.id = `replay-${i}`
    if (e.context) e.context.event_id = `replay-${i}`
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  await new Promise<void>((r) => out.end(() => r()))
}

/** Peak resident memory of a process so far, in bytes (Linux). */
function peakRss(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return Number(kb ?? 0) * 1024
  } catch {
    return 0
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'))
  const file = path.join(dir, 'events.ndjson')
  await generate(file)
  const port = 30000 + Math.floor(Math.random() * 20000)
  const emulator = spawn('node', [bin, 'emulator', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((r) => emulator.stdout.once('data', r))
  let emulatorPeak = 0
  let senderPeak = 0
  const start = process.hrtime.bigint()
  const sender = spawn(
    'node',
    [bin, 'send', file, '--endpoint', `http://127.0.0.1:${port}`, '--failed-out', path.join(dir, 'failed.ndjson')],
    {
      // The sample holds web, app, offline and CRM events: each source reports to the emulator's id for it.
      env: {
        ...process.env,
        TIKTOK_ACCESS_TOKEN: DEFAULT_ACCESS_TOKEN,
        TIKTOK_PIXEL_CODE: DEFAULT_PIXEL_CODE,
        TIKTOK_APP_ID: DEFAULT_APP_ID,
        TIKTOK_OFFLINE_EVENT_SET_ID: DEFAULT_OFFLINE_EVENT_SET_ID,
        TIKTOK_CRM_EVENT_SET_ID: DEFAULT_CRM_EVENT_SET_ID
      },
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  let output = ''
  sender.stdout.on('data', (d: Buffer) => (output += d))
  const sampler = setInterval(() => {
    senderPeak = Math.max(senderPeak, peakRss(sender.pid ?? 0))
    emulatorPeak = Math.max(emulatorPeak, peakRss(emulator.pid ?? 0))
  }, 200)
  const code = await new Promise((r) => sender.on('exit', r))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  clearInterval(sampler)
  const stats = (await (await fetch(`http://127.0.0.1:${port}/emulator/stats`)).json()) as Record<string, number>
  emulator.kill('SIGTERM')
  const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`
  console.log(`\nReplay: ${N.toLocaleString('en')} events (${mb(statSync(file).size)} of NDJSON), send -> emulator`)
  console.log(`  exit ${String(code)}, ${output.split('\n').find((l) => / events: /.test(l))}`)
  console.log(`  ${Math.round(N / seconds).toLocaleString('en')} events/s over ${seconds.toFixed(1)} s`)
  console.log(`  peak RSS: send ${mb(senderPeak)}, emulator ${mb(emulatorPeak)}`)
  console.log(`  emulator: ${stats.events} events accepted, ${stats.duplicates} duplicates, ${stats.requests} requests`)
  rmSync(dir, { recursive: true, force: true })
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
