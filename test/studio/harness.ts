import http from 'node:http'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_APP_ID,
  DEFAULT_CRM_EVENT_SET_ID,
  DEFAULT_OFFLINE_EVENT_SET_ID,
  DEFAULT_PIXEL_CODE,
  startEmulator,
  type StartEmulatorOptions
} from '../../src/emulator'
import { startStudio, type StudioOptions } from '../../src/studio/server'

// A studio with its emulator over loopback, and a client that records every answer so a test can check that the
// token never came back in any of them.

export const SECRET = 'tt-secret-token-7f3a9c'
export const PIXEL = DEFAULT_PIXEL_CODE
/** The emulator's ids for every source, so every bundled sample has somewhere to go. */
export const SOURCE_IDS = {
  pixelCode: DEFAULT_PIXEL_CODE,
  appId: DEFAULT_APP_ID,
  offlineEventSetId: DEFAULT_OFFLINE_EVENT_SET_ID,
  crmEventSetId: DEFAULT_CRM_EVENT_SET_ID
}
export const SAMPLE_FILE = path.resolve(__dirname, '../../samples/commanders-act-events.ndjson')
export const sampleLines = () => readFileSync(SAMPLE_FILE, 'utf8').split('\n').filter(Boolean)
export const sampleEvent = (line: number) => JSON.parse(sampleLines()[line - 1]) as Record<string, unknown>

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  json: () => Record<string, unknown> & { error?: string }
}

export async function studioUnderTest(
  emulatorOptions: StartEmulatorOptions = {},
  studioOptions: Partial<StudioOptions> = {}
) {
  const emulator = await startEmulator({ accessTokens: [DEFAULT_ACCESS_TOKEN, SECRET], ...emulatorOptions })
  const studio = await startStudio({ emulator, ...studioOptions })
  const answers: string[] = []

  function request(
    method: string,
    urlPath: string,
    options: { body?: unknown; type?: string; headers?: Record<string, string> } = {}
  ): Promise<Answer> {
    const body =
      options.body === undefined
        ? undefined
        : Buffer.isBuffer(options.body) || typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body)
    const headers: Record<string, string | number> = { ...options.headers }
    if (body !== undefined) {
      headers['content-type'] ??= options.type ?? 'application/json'
      headers['content-length'] = Buffer.byteLength(body)
    }
    return new Promise((resolve, reject) => {
      const req = http.request(`${studio.url}${urlPath}`, { method, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          answers.push(text)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
        })
      })
      req.on('error', reject)
      if (body !== undefined) req.write(body)
      req.end()
    })
  }

  const configure = (settings: Record<string, unknown> = {}, target = 'emulator') =>
    request('PUT', '/api/settings', {
      body: { settings: { accessToken: SECRET, ...SOURCE_IDS, defaultPhoneCountry: 'FR', ...settings }, target }
    })

  async function close() {
    await studio.close()
    await emulator.close()
  }
  return { emulator, studio, request, configure, answers, close }
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}
