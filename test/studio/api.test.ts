import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import definition from '../../src/destinations/tiktok-commanders'
import type { JSONObject } from '@segment/actions-core'
import { toFrameworkEvent, type CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { PRESET_TABLE, presets } from '../../src/destinations/tiktok-commanders/presets'
import { previewEvent } from '../../src/destinations/tiktok-commanders/preview'
import { MATCH_KEYS } from '../../src/destinations/tiktok-commanders/tiktok/match-keys'
import { settingsFields } from '../../src/destinations/tiktok-commanders/settings'
import type {
  DefinitionView,
  Explanation,
  InspectorView,
  ReplayView,
  SampleView,
  SessionView
} from '../../src/studio/api-types'
import { SAMPLE_FILE, SECRET, SOURCE_IDS, sampleEvent, sampleLines, studioUnderTest, waitFor } from './harness'

/** Coverage worked out here from the destination's own preview of each sample event, to check the studio's. */
function expectedCoverage() {
  const counts = new Map<string, number>(MATCH_KEYS.map((k) => [k, 0]))
  let mapped = 0
  const settings = { accessToken: SECRET, ...SOURCE_IDS, defaultPhoneCountry: 'FR' } as unknown as Settings
  for (const line of sampleLines()) {
    let raw: CommandersActEvent
    try {
      raw = JSON.parse(line)
    } catch {
      continue
    }
    const preset = presets.find((p) => p.type === 'automatic' && p.subscribe === `event = "${raw.event_name}"`)
    if (!preset?.mapping) continue
    try {
      const { matchKeys } = previewEvent(preset.mapping as JSONObject, toFrameworkEvent(raw), settings)
      mapped++
      for (const key of matchKeys) counts.set(key, (counts.get(key) ?? 0) + 1)
    } catch {
      continue
    }
  }
  return { mapped, keys: [...counts].map(([key, events]) => ({ key, events })) }
}

const defaults = () =>
  Object.fromEntries(
    Object.entries(settingsFields).flatMap(([key, f]) => (f.default === undefined ? [] : [[key, f.default]]))
  )
const configured = { ...SOURCE_IDS, defaultPhoneCountry: 'FR' }

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
// Line 14 of the sample: a purchase in the current layout, with a plain email.
const PURCHASE_LINE = 14

let s: Awaited<ReturnType<typeof studioUnderTest>>
beforeAll(async () => {
  s = await studioUnderTest({}, { maxUploadBytes: 64 * 1024 })
})
afterAll(() => s.close())

const test_ = (event: unknown) => s.request('POST', '/api/test', { body: { event } })
const explanation = async (event: unknown) => (await test_(event)).json() as unknown as Explanation

describe('definition and samples', () => {
  it('renders the settings, fields and defaults from the definition itself', async () => {
    const view = (await s.request('GET', '/api/definition')).json() as unknown as DefinitionView
    expect(view.settings.map((f) => f.key)).toEqual(Object.keys(settingsFields))
    const token = view.settings.find((f) => f.key === 'accessToken')
    expect(token).toMatchObject({ label: 'Access Token', required: true, secret: true })
    expect(view.settings.find((f) => f.key === 'apiFormat')).toMatchObject({
      default: 'pixel',
      choices: [
        { value: 'pixel', label: expect.any(String) },
        { value: 'events_2_0', label: expect.any(String) }
      ]
    })
    const fields = view.actions.find((a) => a.key === 'reportWebEvent')?.fields ?? []
    expect(fields.map((f) => f.key)).toEqual(Object.keys(definition.actions.reportWebEvent.fields))
    expect(fields.find((f) => f.key === 'event_id')?.defaultMapping).toBe('properties.id, else context.event_id')
    expect(fields.find((f) => f.key === 'context')?.defaultMapping).toBe('context')
    expect(fields.find((f) => f.key === 'properties')?.defaultMapping).toBe(
      'properties, else id ← id; currency ← currency; value ← value; search_term ← search_term; content_type ← content_type; items ← items; user ← user'
    )
    // A field that its container fills has no default of its own, and says so.
    expect(fields.find((f) => f.key === 'items')?.description).toMatch(/When empty, the items of Event Properties/)
    expect(fields.find((f) => f.key === 'user')?.description).toMatch(/When empty, the user of Event Properties/)
    const currency = fields.find((f) => f.key === 'currency')
    expect(currency?.defaultMapping).toBeUndefined()
    expect(currency?.description).toMatch(/When empty, the currency of Event Properties/)
    // Choices the action offers at run time, as a CDP's UI asks for them.
    expect(fields.find((f) => f.key === 'event')?.choices).toContainEqual({
      value: 'CompletePayment',
      label: 'CompletePayment'
    })
    expect(view.targets.map((t) => t.key)).toEqual(['emulator', 'tiktok'])
  })

  it('lists the presets with their events, all on', async () => {
    const view = (await s.request('GET', '/api/session')).json() as unknown as SessionView
    expect(view.presets).toHaveLength(presets.length)
    expect(view.presets.find((p) => p.commandersAct === 'purchase')).toMatchObject({
      tiktokEvent: 'CompletePayment',
      enabled: true
    })
    // The TikTok name per source, as the presets table says.
    for (const row of PRESET_TABLE) {
      const preset = view.presets.find((p) => p.commandersAct === row.commandersAct)
      expect(preset?.sources).toEqual(
        Object.entries(row.sources).map(([source, tiktokEvent]) => ({ source, tiktokEvent }))
      )
    }
    expect(view.presets.find((p) => p.commandersAct === 'purchase')?.sources).toContainEqual({
      source: 'app',
      tiktokEvent: 'Purchase'
    })
  })

  it('offers every readable sample event, labelled by name and layout', async () => {
    const samples = (await s.request('GET', '/api/samples')).json() as unknown as SampleView[]
    const readable = sampleLines().filter((l) => {
      try {
        return typeof JSON.parse(l) === 'object'
      } catch {
        return false
      }
    })
    expect(samples).toHaveLength(readable.length)
    expect(samples.map((x) => x.label)).toEqual(
      expect.arrayContaining([
        'purchase · web · page layout · line 13',
        'purchase · web · current layout · line 14',
        'purchase · app · current layout · line 33',
        'purchase · offline · current layout · line 38',
        'newsletter_popup · page layout · line 29'
      ])
    )
  })
})

describe('settings', () => {
  it('refuses missing required settings, unknown settings and choices the definition does not offer', async () => {
    const missing = await s.request('PUT', '/api/settings', {
      body: { settings: { pixelCode: 'X' }, target: 'emulator' }
    })
    expect(missing.status).toBe(400)
    expect(missing.json().error).toBe('Access Token is required')
    const unknown = await s.configure({ pixel: 'x' })
    expect(unknown.status).toBe(400)
    expect(unknown.json().error).toBe('unknown setting "pixel"')
    const choice = await s.configure({ apiFormat: 'xml' })
    expect(choice.json().error).toBe('API Format must be one of the offered choices')
    const target = await s.configure({}, 'somewhere')
    expect(target.json().error).toMatch(/target/)
    const notJson = await s.request('PUT', '/api/settings', { body: '{nope' })
    expect(notJson).toMatchObject({ status: 400 })
    expect(notJson.json().error).toBe('The request body is not valid JSON.')
  })

  it('keeps the token on the server: the answer says it is set, never what it is', async () => {
    const saved = await s.configure()
    expect(saved.status).toBe(200)
    const view = saved.json() as unknown as SessionView
    expect(view.secretsSet).toEqual(['accessToken'])
    expect(view.settings).toEqual({ ...defaults(), ...configured })
    // Saving again without the token keeps it.
    const again = await s.request('PUT', '/api/settings', {
      body: { settings: { pixelCode: 'CEMULATORPIXEL0001' }, target: 'emulator' }
    })
    expect((again.json() as unknown as SessionView).secretsSet).toEqual(['accessToken'])
  })

  it('tests the connection with the definition and says the result in words', async () => {
    await s.configure()
    expect((await s.request('POST', '/api/settings/test', { body: {} })).json()).toEqual({
      ok: true,
      message: 'Connected: the access token and the pixel ID are accepted.'
    })
    await s.configure({ accessToken: 'not-the-token' })
    const refused = (await s.request('POST', '/api/settings/test', { body: {} })).json()
    expect(refused.ok).toBe(false)
    expect(refused.message).toMatch(/^Not connected: .*access token is invalid or revoked/)
    await s.configure({ pixelCode: 'COTHERPIXEL' })
    expect((await s.request('POST', '/api/settings/test', { body: {} })).json().message).toMatch(
      /no permission on the pixel/
    )
    await s.configure()
  })
})

describe('test an event', () => {
  beforeAll(() => s.configure())

  it('explains the journey of a purchase: preset, payload, request with hashed data and masked token, match keys', async () => {
    const event = sampleEvent(PURCHASE_LINE)
    const result = await explanation(event)
    expect(result.route).toMatchObject({
      status: 'ok',
      preset: 'purchase -> CompletePayment',
      tiktokEvent: 'CompletePayment'
    })
    expect(result.payload).toMatchObject({ event: 'CompletePayment', event_id: 'v2-purchase-1013' })
    expect(result.validation.status).toBe('ok')
    expect(result.request?.url).toBe(`${s.emulator.url}/open_api/v1.3/pixel/track/`)
    expect(result.request?.headers).toEqual({ 'Access-Token': '••••', 'Content-Type': 'application/json' })
    expect(result.request?.body).toMatchObject({ event_id: 'v2-purchase-1013' })
    const user = (result.request?.body.context as { user: Record<string, string> }).user
    expect(user.email).toBe(sha('shopper13@example.com'))
    expect(JSON.stringify(result.request?.body)).not.toMatch(/Shopper13/i)
    expect(result.built).toEqual({ source: 'web', event: 'CompletePayment', sourceId: 'CEMULATORPIXEL0001' })
    expect(result.matchKeys).toEqual(['email', 'phone', 'external_id', 'ttp', 'ttclid', 'ip_user_agent'])
    expect(result.answer).toBeUndefined()
  })

  it('shows the Events API 2.0 request when that format is chosen', async () => {
    await s.configure({ apiFormat: 'events_2_0' })
    const result = await explanation(sampleEvent(PURCHASE_LINE))
    expect(result.request?.url).toMatch(/\/open_api\/v1\.3\/event\/track\/$/)
    expect(result.request?.body).toMatchObject({ event_source: 'web', event_source_id: 'CEMULATORPIXEL0001' })
    await s.configure()
  })

  it('explains app and offline samples with their source, their TikTok name there, and Events API 2.0', async () => {
    const app = await explanation(sampleEvent(33))
    expect(app.built).toEqual({ source: 'app', event: 'Purchase', sourceId: SOURCE_IDS.appId })
    expect(app.request?.url).toMatch(/\/open_api\/v1\.3\/event\/track\/$/)
    expect(app.request?.body).toMatchObject({ event_source: 'app', event_source_id: SOURCE_IDS.appId })
    expect(app.matchKeys).toContain('device_id')
    const offline = await explanation(sampleEvent(38))
    expect(offline.built).toEqual({
      source: 'offline',
      event: 'CompletePayment',
      sourceId: SOURCE_IDS.offlineEventSetId
    })
    expect(offline.matchKeys).toEqual(expect.arrayContaining(['email', 'phone']))
    expect(JSON.stringify(offline.request?.body)).not.toMatch(/Client\.Fidele/i)
  })

  it('says why no preset matched', async () => {
    const result = await explanation({ event_name: 'newsletter_popup' })
    expect(result.route).toEqual({
      status: 'failed',
      message:
        'No preset matched: no preset subscribes to event_name "newsletter_popup". Nothing would be sent to TikTok.'
    })
    expect(result.validation.status).toBe('skipped')
    expect((await explanation([1, 2])).route.message).toMatch(/not a Commanders Act event/)
    expect((await explanation({})).route.message).toMatch(/has no event_name/)
  })

  it('names the field of a validation error and shows no request', async () => {
    const result = await explanation(sampleEvent(30))
    expect(result.payload).toMatchObject({ properties: { currency: 'EURO' } })
    expect(result.validation).toEqual({ status: 'failed', message: expect.stringMatching(/^currency: "EURO"/) })
    expect(result.request).toBeUndefined()
    const typed = await explanation({ event_name: 'purchase', properties: { value: 'abc' } })
    expect(typed.validation.message).toBe('properties.value: "abc" is not a number of zero or more.')
  })

  it('sends through the framework and says what the answer means', async () => {
    s.emulator.reset()
    const sent = (await s.request('POST', '/api/send', { body: { event: sampleEvent(PURCHASE_LINE) } })).json()
    expect((sent as unknown as Explanation).answer).toMatchObject({
      verdict: 'delivered',
      message: 'Delivered: TikTok accepted the event.',
      status: 200,
      reply: { code: 0, message: 'OK' }
    })
    expect(s.emulator.received.map((e) => [e.event, e.eventId])).toEqual([['CompletePayment', 'v2-purchase-1013']])

    await s.configure({ accessToken: 'wrong-token' })
    const refused = (await s.request('POST', '/api/send', { body: { event: sampleEvent(PURCHASE_LINE) } })).json()
    expect((refused as unknown as Explanation).answer).toMatchObject({
      verdict: 'refused',
      message: expect.stringMatching(/^Refused: TikTok says the access token is invalid or revoked/)
    })
    await s.configure()
  })

  it('says a retryable failure will be retried', async () => {
    const flaky = await studioUnderTest({ script: ['server_error'] })
    try {
      await flaky.configure()
      const result = (await flaky.request('POST', '/api/send', { body: { event: sampleEvent(PURCHASE_LINE) } })).json()
      expect((result as unknown as Explanation).answer).toMatchObject({
        verdict: 'retry',
        status: 503,
        message: expect.stringMatching(/^Not delivered yet, will be retried: TikTok is unavailable \(HTTP 503\)/)
      })
    } finally {
      await flaky.close()
    }
  })
})

describe('mappings', () => {
  const purchase = async () => {
    const view = (await s.request('GET', '/api/session')).json() as unknown as SessionView
    return view.presets.find((p) => p.commandersAct === 'purchase')!
  }
  const change = async (field: string, body: unknown) =>
    s.request('PUT', `/api/presets/${(await purchase()).index}/fields/${field}`, { body })

  beforeAll(() => s.configure())

  it('maps a field to a fixed value, and the request body changes', async () => {
    expect((await change('currency', { kind: 'value', value: 'USD' })).status).toBe(200)
    const field = (await purchase()).fields.find((f) => f.key === 'currency')
    expect(field).toEqual({ key: 'currency', mapping: 'fixed: "USD"', kind: 'value' })
    const result = await explanation(sampleEvent(PURCHASE_LINE))
    expect((result.request?.body.properties as { currency: string }).currency).toBe('USD')
    // Back to its default: no mapping of its own, so Event Properties' currency is sent again.
    await change('currency', { kind: 'default' })
    expect((await purchase()).fields.find((f) => f.key === 'currency')).toBeUndefined()
    const again = await explanation(sampleEvent(PURCHASE_LINE))
    expect((again.request?.body.properties as { currency: string }).currency).toBe('EUR')
  })

  it('maps a field to another path of the event', async () => {
    await change('description', { kind: 'path', value: 'context.event_id' })
    expect((await purchase()).fields.find((f) => f.key === 'description')?.mapping).toBe('context.event_id')
    const result = await explanation(sampleEvent(PURCHASE_LINE))
    expect((result.request?.body.properties as { description: string }).description).toBe('v2-purchase-1013')
    await change('description', { kind: 'default' })
  })

  it('refuses changes the framework would refuse, naming the field', async () => {
    const notNumber = await change('value', { kind: 'value', value: 'abc' })
    expect(notNumber.status).toBe(400)
    expect(notNumber.json().error).toBe('Value: "abc" is not a number')
    expect((await change('value', { kind: 'path', value: 'a b' })).json().error).toMatch(/^Value: "a b" is not a path/)
    expect((await change('limited_data_use', { kind: 'value', value: 'maybe' })).json().error).toMatch(
      /Limited Data Use/
    )
    expect((await change('nope', { kind: 'value', value: 1 })).json().error).toBe(
      '"nope" is not a field of reportWebEvent'
    )
    expect((await change('value', { kind: 'guess' })).json().error).toBe('kind must be default, path or value')
    expect((await s.request('PUT', '/api/presets/999/fields/value', { body: { kind: 'default' } })).status).toBe(400)
  })

  it('switches a preset off, and says so when an event would have matched it', async () => {
    const index = (await purchase()).index
    await s.request('PUT', `/api/presets/${index}`, { body: { enabled: false } })
    const result = await explanation(sampleEvent(PURCHASE_LINE))
    expect(result.route.message).toBe(
      'No preset matched: the preset "purchase -> CompletePayment" for event_name "purchase" is switched off.'
    )
    await s.request('PUT', `/api/presets/${index}`, { body: { enabled: true } })
    expect((await explanation(sampleEvent(PURCHASE_LINE))).route.status).toBe('ok')
  })
})

describe('replay and inspector', () => {
  beforeAll(() => s.configure())

  it('replays the sample file with progress, a summary per TikTok event, coverage and a failed-events file', async () => {
    s.emulator.reset()
    const started = await s.request('POST', '/api/replay', {
      body: readFileSync(SAMPLE_FILE),
      type: 'application/x-ndjson'
    })
    expect(started.status).toBe(202)
    const { id, total } = started.json() as unknown as ReplayView
    expect(total).toBe(sampleLines().length)
    const done = await waitFor(async () => {
      const view = (await s.request('GET', `/api/replay/${id}`)).json() as unknown as ReplayView
      return view.finished ? view : undefined
    })
    const summary = done.summary!
    expect(done.done).toBe(total)
    expect(summary.total).toBe(total)
    // Every event the summary calls delivered is one the emulator received, and the bad ones are refused.
    expect(summary.delivered).toBe(s.emulator.received.length)
    expect(summary.refused).toBe(5)
    expect(summary.rows.reduce((n, r) => n + r.sent, 0)).toBe(total)
    const complete = summary.rows.find((r) => r.tiktokEvent === 'CompletePayment')!
    // The app purchase of the sample goes out as TikTok's app event Purchase, in its own row.
    expect(complete).toMatchObject({ sent: 6, delivered: 5, refused: 1 })
    expect(summary.rows.find((r) => r.tiktokEvent === 'Purchase')).toMatchObject({ sent: 1, delivered: 1 })
    expect(complete.reasons[0]).toEqual({ reason: expect.stringMatching(/^currency: "EURO"/), count: 1 })
    expect(summary.coverage.mapped).toBe(summary.delivered)
    expect(summary.coverage).toEqual(expectedCoverage())

    const failed = await s.request('GET', `/api/replay/${id}/failed-events.ndjson`)
    expect(failed.headers['content-disposition']).toBe('attachment; filename="failed-events.ndjson"')
    const lines = failed.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(5)
    // Each with its reason, and the event as given (or, for an unreadable line, its text) to replay.
    for (const line of lines)
      expect([
        ['failure', 'event'],
        ['failure', 'raw']
      ]).toContainEqual(Object.keys(line))
  })

  it('reports progress while a replay runs', async () => {
    // Every request answered slowly, so the replay is caught half-way.
    const slow = await studioUnderTest({ rates: { slow: 1 }, slowMs: 150 })
    try {
      await slow.configure()
      const started = await slow.request('POST', '/api/replay', {
        body: readFileSync(SAMPLE_FILE),
        type: 'application/x-ndjson'
      })
      const { id, total } = started.json() as unknown as ReplayView
      const seen: number[] = []
      const done = await waitFor(async () => {
        const view = (await slow.request('GET', `/api/replay/${id}`)).json() as unknown as ReplayView
        seen.push(view.done)
        return view.finished ? view : undefined
      })
      expect(seen.some((n) => n > 0 && n < total)).toBe(true)
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
      expect(done.done).toBe(total)
    } finally {
      await slow.close()
    }
  })

  it('takes a JSON array, and refuses empty, unreadable and oversized files with a clear message', async () => {
    const array = await s.request('POST', '/api/replay', {
      body: JSON.stringify([sampleEvent(PURCHASE_LINE)]),
      type: 'application/x-ndjson'
    })
    expect(array.json()).toMatchObject({ total: 1 })
    expect((await s.request('POST', '/api/replay', { body: '  ', type: 'application/x-ndjson' })).json().error).toBe(
      'The file holds no events: upload NDJSON (one event a line) or a JSON array.'
    )
    const garbage = await s.request('POST', '/api/replay', { body: 'hello\nworld', type: 'application/x-ndjson' })
    expect(garbage.status).toBe(400)
    expect(garbage.json().error).toMatch(/^The file holds no readable event: line 1 is not JSON/)
    const big = await s.request('POST', '/api/replay', { body: 'x'.repeat(200 * 1024), type: 'application/x-ndjson' })
    expect(big.status).toBe(413)
    expect(big.json().error).toBe('The file is 0.2 MiB, over the 0.1 MiB limit. Split it into smaller files.')
    expect((await s.request('GET', '/api/replay/00000000-0000-0000-0000-000000000000')).status).toBe(404)
  })

  it('shows what the emulator received, newest first, filtered by event name', async () => {
    s.emulator.reset()
    await s.request('POST', '/api/send', { body: { event: sampleEvent(PURCHASE_LINE) } })
    await s.request('POST', '/api/send', { body: { event: sampleEvent(3) } })
    const all = (await s.request('GET', '/api/inspector')).json() as unknown as InspectorView
    expect(all.events.map((e) => e.event)).toEqual(['AddToCart', 'CompletePayment'])
    expect(all.requests.map((r) => r.status)).toEqual([200, 200])
    const some = (await s.request('GET', '/api/inspector?event=completepay')).json() as unknown as InspectorView
    expect(some.events.map((e) => e.eventId)).toEqual(['v2-purchase-1013'])
  })
})

describe('who may ask', () => {
  it('refuses another Host (DNS rebinding) and another Origin (other tabs)', async () => {
    const host = await s.request('GET', '/api/session', { headers: { host: `evil.example:${s.studio.port}` } })
    expect(host.status).toBe(421)
    expect(host.json().error).toMatch(/own host and port/)
    const origin = await s.request('POST', '/api/test', {
      body: { event: {} },
      headers: { origin: 'http://evil.example' }
    })
    expect(origin.status).toBe(403)
    const own = await s.request('GET', '/api/session', { headers: { origin: s.studio.url } })
    expect(own.status).toBe(200)
    const localhost = await s.request('GET', '/api/session', { headers: { host: `localhost:${s.studio.port}` } })
    expect(localhost.status).toBe(200)
  })

  it('refuses the content types a cross-site form can send, unknown routes and methods', async () => {
    const form = await s.request('POST', '/api/send', { body: '{"event":{}}', type: 'text/plain' })
    expect(form.status).toBe(415)
    expect((await s.request('GET', '/api/nothing')).status).toBe(404)
    expect((await s.request('DELETE', '/api/session')).status).toBe(405)
  })

  it('serves the page and its script from the project, with a strict content policy', async () => {
    const page = await s.request('GET', '/')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/)
    expect(page.text).toMatch(/<script type="module" src="\/app\.js">/)
    const script = await s.request('GET', '/app.js')
    expect(script.status).toBe(200)
    expect(script.text.length).toBeGreaterThan(1000)
  })

  it('never sent the token back in any answer', () => {
    expect(s.answers.length).toBeGreaterThan(30)
    for (const answer of s.answers) expect(answer).not.toContain(SECRET)
  })
})
