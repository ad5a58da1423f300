import { fork, spawnSync } from 'child_process'
import path from 'path'
import { setFlagsFromString } from 'v8'
import { runInNewContext } from 'vm'
import {
  Destination,
  fieldsToJsonSchema,
  transform,
  validateSchema,
  type DestinationDefinition,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import { toFrameworkEvent, type CommandersActEvent } from '../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../src/destinations/tiktok-commanders/generated-types'
import { previewEvent } from '../src/destinations/tiktok-commanders/preview'
import { fields } from '../src/destinations/tiktok-commanders/reportWebEvent/fields'
import type { Payload } from '../src/destinations/tiktok-commanders/reportWebEvent/generated-types'
import { buildEvent } from '../src/destinations/tiktok-commanders/tiktok/build-event'
import { singleRequest } from '../src/destinations/tiktok-commanders/tiktok/formats'
import { Readable } from 'stream'
import { replay, type ReplayOptions } from '../src/runner/run'
import { presetSubscriptions } from '../src/runner/subscriptions'
import { sampleEvents } from '../src/samples'
import { floorBody } from './floor'

// `npm run bench`: the same realistic Commanders Act events (every preset, both layouts) through (a) mapping and
// validation alone, (b) single-event and (c) batched delivery end to end through the framework to a loopback
// stand-in for TikTok, and (d) the floor: a hand-written mapping and JSON.stringify of the same bodies.
// Never part of the tests: it prints figures, it asserts nothing.

const N = Number(process.env.BENCH_EVENTS ?? 20_000)
const SOAK = Number(process.env.BENCH_SOAK_EVENTS ?? 100_000)
// The sample holds app, offline and CRM events too: each source needs its id, as a real setup would have.
const settings = (apiFormat: Settings['apiFormat']): Settings => ({
  accessToken: 'bench-token',
  pixelCode: 'CBENCHPIXEL000001',
  appId: '7301234567890123456',
  offlineEventSetId: '7302345678901234567',
  crmEventSetId: '7303456789012345678',
  apiFormat
})

function corpus(n: number): CommandersActEvent[] {
  const sample = sampleEvents().filter((e) => !String(JSON.stringify(e)).includes('"bad-') && deliverable(e))
  return Array.from({ length: n }, (_, i) => {
    const e = structuredClone(sample[i % sample.length])
    if (e.properties) e.properties.id = `bench-${i}`
    if (e.context) e.context.event_id = `bench-${i}`
    return e
  })
}

/**
 * True when the destination sends the event in both formats: the sample also holds events it refuses on purpose (a
 * CRM lead without a lead id), for the runner's tests; the figures are those of events that go out.
 */
function deliverable(event: CommandersActEvent): boolean {
  const framework = toFrameworkEvent(event)
  const subscription = presetSubscriptions().find((sub) => sub.matches(framework))
  if (!subscription) return false
  try {
    for (const apiFormat of ['pixel', 'events_2_0'] as const)
      previewEvent(subscription.mapping, framework, settings(apiFormat))
    return true
  } catch {
    return false
  }
}

const records = (events: CommandersActEvent[]) => events.map((event) => `${JSON.stringify(event)}\n`)

/** The runner end to end (read, route, send, settle) over NDJSON text; the rate ceiling lifted to measure the code. */
async function runEvents(lines: string[], options: ReplayOptions): Promise<void> {
  const summary = await replay(Readable.from(lines), { maxRps: 1e9, ...options })
  if (summary.refused || summary.notSent) throw new Error(`delivery failed: ${summary.reasons[0]?.reason}`)
}

interface Row {
  name: string
  events: number
  seconds: number
  requests?: number
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

async function main() {
  const stub = fork(path.join(__dirname, 'tiktok-stub.js'), [], {
    execArgv: [],
    ...(hasTaskset() ? { execPath: 'taskset', execArgv: ['-c', '1', process.execPath] } : {})
  })
  const port = await new Promise<number>((resolve) => stub.once('message', (m: { port: number }) => resolve(m.port)))
  const stubStats = () =>
    new Promise<{ requests: number }>((resolve) => {
      stub.once('message', resolve)
      stub.send('stats')
    })
  const baseUrl = `http://127.0.0.1:${port}`
  const events = corpus(N)
  const subscriptions = presetSubscriptions()
  const schema = fieldsToJsonSchema(fields)
  const rows: Row[] = []

  for (const apiFormat of ['pixel', 'events_2_0'] as const) {
    const s = settings(apiFormat)
    const framework = events.map(toFrameworkEvent)
    const mappings = framework.map((e) => (subscriptions.find((sub) => sub.matches(e)) ?? subscriptions[0]).mapping)

    // (a) through the framework's own batch path (mapping resolved per event, the mapping validated once per batch,
    // payload validation), then our builder and serialiser; no I/O. (a1) the single path: `transform` per event,
    // which re-validates the mapping every time. (e) the ceiling the framework itself sets: the batch path with a
    // performBatch that does nothing.
    const mapped = offline(async (payloads) => {
      for (const p of payloads) JSON.stringify(singleRequest(buildEvent(p, s), s).body)
    })
    const ceiling = offline(async () => undefined)
    const mapOne = (i: number) => {
      const payload = transform(mappings[i], framework[i] as unknown as JSONObject) as unknown as Payload
      validateSchema(payload, schema, { schemaKey: 'bench', throwIfInvalid: true })
      JSON.stringify(singleRequest(buildEvent(payload, s), s).body)
    }
    const byMapping = groupBy(framework, mappings)
    const runOffline = async (d: typeof mapped) => {
      for (const [mapping, group] of byMapping) {
        for (let i = 0; i < group.length; i += 50) {
          await d.executeBatch('bench', { events: group.slice(i, i + 50), mapping, settings: s })
        }
      }
    }
    await runOffline(mapped)
    for (let i = 0; i < 2000; i++) mapOne(i % N)
    rows.push({
      name: `${apiFormat}: (a) mapping + validation`,
      events: N,
      seconds: await timeAsync(() => runOffline(mapped))
    })
    rows.push({
      name: `${apiFormat}: (a1) same, single path`,
      events: N,
      seconds: time(() => events.forEach((_, i) => mapOne(i)))
    })
    await runOffline(ceiling)
    rows.push({
      name: `${apiFormat}: (e) framework alone`,
      events: N,
      seconds: await timeAsync(() => runOffline(ceiling))
    })

    // Warm both delivery paths (JIT, sockets) on a slice before timing them.
    const warmup = records(events.slice(0, 2000))
    await runEvents(warmup, { settings: s, endpoint: { baseUrl }, batching: false, concurrency: 8 })
    await runEvents(warmup, { settings: s, endpoint: { baseUrl }, batchSize: 50, concurrency: 4 })
    let requestsBefore = (await stubStats()).requests
    const single = await timeAsync(async () => {
      await runEvents(records(events), {
        settings: s,
        endpoint: { baseUrl },
        batching: false,
        // Measured best on one core: more requests in flight only add scheduling and garbage.
        concurrency: 8
      })
    })
    let requestsAfter = (await stubStats()).requests
    rows.push({
      name: `${apiFormat}: (b) single delivery`,
      events: N,
      seconds: single,
      requests: requestsAfter - requestsBefore
    })

    requestsBefore = requestsAfter
    const batched = await timeAsync(async () => {
      await runEvents(records(events), {
        settings: s,
        endpoint: { baseUrl },
        batchSize: 50,
        concurrency: 4
      })
    })
    requestsAfter = (await stubStats()).requests
    rows.push({
      name: `${apiFormat}: (c) batched delivery`,
      events: N,
      seconds: batched,
      requests: requestsAfter - requestsBefore
    })

    for (const e of events.slice(0, 2000)) JSON.stringify(floorBody(e, apiFormat))
    rows.push({
      name: `${apiFormat}: (d) floor, hand-written`,
      events: N,
      seconds: time(() => events.forEach((e) => JSON.stringify(floorBody(e, apiFormat))))
    })
  }

  print(rows)
  await soak(baseUrl)
  stub.send('stop')
}

/**
 * Memory while 100,000 events go out batched: it must stay flat, not grow with the number of events. After each run
 * of 20,000 a full garbage collection separates what is still held (heap after GC) from what merely awaits collection.
 */
async function soak(baseUrl: string) {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const chunk = 20_000
  const heap: number[] = []
  const rss: number[] = []
  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  for (let sent = 0; sent < SOAK; sent += chunk) {
    await runEvents(records(corpus(chunk)), { settings: settings('pixel'), endpoint: { baseUrl }, batchSize: 50 })
    gc()
    heap.push(process.memoryUsage().heapUsed)
    rss.push(process.memoryUsage().rss)
  }
  clearInterval(sampler)
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
  console.log(`\nMemory over ${SOAK.toLocaleString('en')} events, batched, in runs of ${chunk.toLocaleString('en')}:`)
  console.log(`  heap after GC, after each run: ${heap.map(mb).join(', ')}`)
  console.log(`  RSS after each run: ${rss.map(mb).join(', ')}; peak RSS ${mb(peak)}`)
}

function print(rows: Row[]) {
  console.log(
    `\n${N.toLocaleString('en')} events, Node ${process.version}, ${hasTaskset() ? 'destination pinned to core 0, stub to core 1' : 'no taskset: unpinned'}\n`
  )
  const header = ['', 'events/s', 'us/event', 'x floor', 'requests/1000']
  console.log(
    `${header[0].padEnd(36)}${header
      .slice(1)
      .map((h) => h.padStart(14))
      .join('')}`
  )
  for (const apiFormat of ['pixel', 'events_2_0']) {
    const mine = rows.filter((r) => r.name.startsWith(apiFormat))
    const floor = mine.find((r) => r.name.includes('(d)'))
    for (const r of mine) {
      const perEvent = (r.seconds / r.events) * 1e6
      const ratio = floor ? perEvent / ((floor.seconds / floor.events) * 1e6) : NaN
      const cells = [
        Math.round(r.events / r.seconds).toLocaleString('en'),
        perEvent.toFixed(1),
        `${ratio.toFixed(1)}x`,
        r.requests === undefined ? '-' : ((r.requests / r.events) * 1000).toFixed(0)
      ]
      console.log(`${r.name.padEnd(36)}${cells.map((c) => c.padStart(14)).join('')}`)
    }
  }
}

/** A destination with our fields and presets' mappings whose performBatch does `work` instead of any I/O. */
function offline(work: (payloads: Payload[]) => Promise<void>) {
  const definition: DestinationDefinition<Settings> = {
    name: 'bench-offline',
    mode: 'cloud',
    actions: {
      bench: {
        title: 'Bench',
        description: 'No I/O',
        fields,
        perform: () => undefined,
        performBatch: async (_request, { payload }) => work(payload as Payload[])
      }
    }
  }
  return new Destination(definition)
}

function groupBy(events: SegmentEvent[], mappings: JSONObject[]): Map<JSONObject, SegmentEvent[]> {
  const groups = new Map<JSONObject, SegmentEvent[]>()
  events.forEach((e, i) => {
    const group = groups.get(mappings[i])
    if (group) group.push(e)
    else groups.set(mappings[i], [e])
  })
  return groups
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['-p', String(process.pid)]).status === 0
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
