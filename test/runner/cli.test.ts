import { execFile, spawn } from 'child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs'
import path from 'path'
import { gzipSync } from 'zlib'
import { DEFAULT_ACCESS_TOKEN, DEFAULT_PIXEL_CODE, startEmulator, type Emulator } from '../../src/emulator'
import { cli, events, ndjson, root, tempDir, tempFile } from './helpers'

// The command line, spawned as a user runs it, against the emulator over loopback.

let emulator: Emulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

const env = { ...process.env, TIKTOK_ACCESS_TOKEN: DEFAULT_ACCESS_TOKEN, TIKTOK_PIXEL_CODE: DEFAULT_PIXEL_CODE }

interface Result {
  code: number | null
  signal?: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function run(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      'node',
      [cli, ...args],
      { env: options.env ?? env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr })
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Waits until the emulator has accepted at least n events. */
async function accepted(em: Emulator, n: number): Promise<void> {
  while (em.stats().acceptedEvents < n) await new Promise((r) => setTimeout(r, 20))
}

describe('send', () => {
  it('exit 1 when anything was refused, a summary, and the refused events in a file', async () => {
    emulator = await startEmulator({ port: 0 })
    const dir = tempDir()
    const file = path.join(dir, 'events.ndjson')
    writeFileSync(file, ndjson([...events(3), { event_name: 'nope', properties: { id: 'n' } }]))
    const failedOut = path.join(dir, 'failed.ndjson')
    const result = await run(['send', file, '--endpoint', emulator.url, '--failed-out', failedOut])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/4 events: 3 delivered, 1 refused, 0 not sent, in \d+ requests/)
    expect(result.stdout + result.stderr).not.toContain(DEFAULT_ACCESS_TOKEN)
    expect(readFileSync(failedOut, 'utf8')).toMatch(/no subscription matches event_name \\"nope\\"/)
    expect(statSync(failedOut).mode & 0o777).toBe(0o600)
  })

  it('reads gzip from stdin, and an endpoint with a trailing /', async () => {
    emulator = await startEmulator({ port: 0 })
    const result = await run(
      ['send', '-', '--endpoint', `${emulator.url}/`, '--failed-out', path.join(tempDir(), 'f')],
      {
        input: gzipSync(ndjson(events(40)))
      }
    )
    expect(result.stdout).toMatch(/40 events: 40 delivered/)
    expect(result.code).toBe(0)
  })

  it('usage errors exit 2 before anything is sent, and say what to fix', async () => {
    emulator = await startEmulator({ port: 0 })
    const file = tempFile('events.ndjson', ndjson(events(3)))
    const cases: Array<[string[], RegExp]> = [
      [
        ['--failed-out', '/no/such/folder/failed.ndjson'],
        /cannot write .* the folder \/no\/such\/folder does not exist/
      ],
      [['--endpoint', '127.0.0.1:8787'], /--endpoint takes a URL with its scheme/],
      [['--batch-size', '0'], /--batch-size takes a whole number from 1 to 1000/],
      [['--concurrency', '0'], /--concurrency takes a whole number from 1/],
      [['--bogus'], /Unknown option '--bogus'/],
      [
        ['--mapping', tempFile('m.json', '[{"subscribe": "event = ", "mapping": {}}]')],
        /mapping file .*m\.json: subscription 0: .*a clause has no value/
      ]
    ]
    for (const [args, message] of cases) {
      const result = await run(['send', file, '--endpoint', emulator.url, ...args])
      expect({ args, code: result.code }).toEqual({ args, code: 2 })
      expect(result.stderr).toMatch(message)
    }
    expect(emulator.stats().requests).toBe(0)
    const noToken = await run(['send', file], { env: { PATH: process.env.PATH } })
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toMatch(/no access token: pass --access-token or set TIKTOK_ACCESS_TOKEN/)
  })

  it('send --help prints the usage', async () => {
    const result = await run(['send', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/--require-consent/)
  })

  it('empty input is an error that says so, not a silent success', async () => {
    const result = await run(['send', tempFile('empty.ndjson', '\n\n'), '--dry-run'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/the input holds no events/)
  })

  it('a JSON array broken at item 5,000 names where; a pretty-printed array counts its events', async () => {
    const list = ndjson(events(10_000).map((e) => JSON.stringify(e)))
      .split('\n')
      .map((l, i) => (i === 4999 ? l.slice(0, 40) : l))
    const broken = await run(['send', tempFile('broken.json', `[${list.join(',\n')}]`), '--dry-run'])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/4999 events: 4999 ready/)
    expect(broken.stderr).toMatch(/the JSON input is broken at byte \d+ \(line 5000\), after 4999 events/)
    const pretty = await run(['send', tempFile('pretty.json', JSON.stringify(events(4), null, 2)), '--dry-run'])
    expect(pretty.stderr).toMatch(/^4 events: 4 ready/m)
    const object = await run(['send', tempFile('one.json', JSON.stringify(events(1)[0], null, 2)), '--dry-run'])
    expect(object.stderr).toMatch(/^1 events: 1 ready/m)
  }, 120_000)

  it('--dry-run | head: bodies on stdout, no EPIPE stack', async () => {
    const file = tempFile('events.ndjson', ndjson(events(3000)))
    const result = await new Promise<Result>((resolve) => {
      const child = spawn('sh', ['-c', `node "${cli}" send "${file}" --dry-run | head -n 2`], { env })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d))
      child.stderr.on('data', (d: Buffer) => (stderr += d))
      child.on('exit', (code) => resolve({ code, stdout, stderr }))
    })
    expect(result.stdout.trim().split('\n')).toHaveLength(2)
    expect(JSON.parse(result.stdout.split('\n')[0])).toMatchObject({ event: 'AddPaymentInfo' })
    expect(result.stderr).not.toMatch(/EPIPE|at .*\.ts:\d+/)
  })

  it('SIGINT: in-flight requests finish, undelivered events are written, a summary, exit 130; --resume sends the rest once', async () => {
    emulator = await startEmulator({ port: 0, keepReceived: false, rates: { slow: 1 }, slowMs: 30 })
    const dir = tempDir()
    const input = tempFile('events.ndjson', ndjson(events(3000)))
    const failedOut = path.join(dir, 'failed.ndjson')
    const args = ['send', input, '--endpoint', emulator.url, '--failed-out', failedOut, '--batch-size', '20']
    const child = spawn('node', [cli, ...args], { env })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    await accepted(emulator, 200)
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stdout).toMatch(/Stopped before the end of the input: interrupted by SIGINT/)
    expect(stdout).toMatch(/--resume/)
    const first = emulator.stats().acceptedEvents
    expect(first).toBeLessThan(3000)

    emulator.reset()
    const resumed = await run([...args, '--resume'])
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toMatch(/skipped \(settled by an earlier run\)/)
    // Nothing settled is sent again: each event either reached TikTok once over both runs, or was read but not sent
    // when the run stopped, and is in the failed-events file for a replay.
    const notSent = existsSync(failedOut) ? readFileSync(failedOut, 'utf8').trim().split('\n') : []
    for (const line of notSent) expect(JSON.parse(line).failure.reason).toMatch(/not sent: interrupted by SIGINT/)
    expect(emulator.stats().duplicates).toBe(0)
    expect(first + emulator.stats().acceptedEvents + notSent.length).toBe(3000)
  })

  it('SIGTERM twice: the second one exits at once, without waiting for the requests in flight', async () => {
    emulator = await startEmulator({
      port: 0,
      keepReceived: false,
      script: ['ok', 'ok'],
      rates: { slow: 1 },
      slowMs: 20_000
    })
    const input = tempFile('events.ndjson', ndjson(events(300)))
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const child = spawn('node', [cli, 'send', input, '--endpoint', emulator.url, '--failed-out', failedOut], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    await accepted(emulator, 50)
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    while (!stderr.includes('SIGTERM')) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    // The slow requests (20 s) were still in flight: a graceful stop would have waited for them and printed a summary.
    expect(stdout).not.toMatch(/events:/)
  })

  it('kill -9: --resume resends at most the in-flight window, and every event arrives', async () => {
    emulator = await startEmulator({ port: 0, keepReceived: false, rates: { slow: 1 }, slowMs: 20 })
    const input = tempFile('events.ndjson', ndjson(events(3000)))
    const failedOut = path.join(tempDir(), 'failed.ndjson')
    const args = ['send', input, '--endpoint', emulator.url, '--failed-out', failedOut, '--batch-size', '20']
    const child = spawn('node', [cli, ...args], { env })
    await accepted(emulator, 500)
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const resumed = await run([...args, '--resume'])
    expect(resumed.code).toBe(0)
    const stats = emulator.stats()
    // Every event once at least; the resent ones are what was in flight: 4 requests of 20, plus what was gathered.
    expect(stats.acceptedEvents - stats.duplicates).toBe(3000)
    expect(stats.duplicates).toBeLessThanOrEqual(4 * 20 + 500)
  })
})

describe('the bin and npm start', () => {
  it('the bin runs the sources, never a stale build', async () => {
    const built = path.join(root, 'dist/src/cli/main.js')
    if (existsSync(built)) return
    mkdirSync(path.dirname(built), { recursive: true })
    writeFileSync(built, 'exports.runCli = () => console.log("stale build")\n')
    try {
      const result = await run(['--help'])
      expect(result.stdout).not.toContain('stale build')
      expect(result.stdout).toMatch(/tiktok-commanders: replay/)
    } finally {
      rmSync(path.join(root, 'dist'), { recursive: true, force: true })
    }
  })

  it('demo (npm start) replays the bundled sample against the emulator and succeeds', async () => {
    const result = await run(['demo'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/41 events: 36 delivered, 5 refused, 0 not sent, in \d+ requests/)
    expect(result.stdout).toMatch(/One event as TikTok received it \(CompletePayment\)/)
  })

  it('emulator: runs alone on the given port until stopped, and serves its counters', async () => {
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
      const stats = await (await fetch(`http://127.0.0.1:${port}/emulator/stats`)).json()
      expect(stats).toMatchObject({ requests: 1, events: 1, duplicates: 0, bySource: { web: 1 }, byCode: { '0': 1 } })
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})

describe('memory', () => {
  it('a replay larger than its heap runs in it: memory does not grow with the input', async () => {
    // 30,000 events (28 MB of NDJSON) in a 48 MB heap: holding every input or outcome (about 2.8 KiB an event
    // before the runner streamed) cannot fit; a pipeline that keeps counters only does not notice.
    const line = JSON.stringify(events(1)[0])
    const file = tempFile('many.ndjson', `${Array(30_000).fill(line).join('\n')}\n`)
    const result = await new Promise<Result>((resolve) => {
      execFile(
        'node',
        ['--max-old-space-size=48', cli, 'send', file, '--dry-run'],
        { env, maxBuffer: 256 * 1024 * 1024 },
        (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: '', stderr })
      )
    })
    expect(result.stderr).toMatch(/30000 events: 30000 ready/)
    expect(result.code).toBe(0)
  }, 120_000)
})
