import { mkdtempSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { Readable } from 'stream'
import { DEFAULT_ACCESS_TOKEN, DEFAULT_PIXEL_CODE, type Emulator } from '../../src/emulator'
import type { EventOutcome, ReplayOptions } from '../../src/runner/run'
import { simpleEvent } from '../fixtures/events'

export const PRESET_NAMES = [
  'add_payment_info', 'add_to_cart', 'add_to_wishlist', 'begin_checkout', 'click_button', 'complete_payment',
  'purchase', 'contact', 'download', 'page_view', 'search', 'sign_up', 'submit_form', 'subscribe'
] // prettier-ignore

export const settings = { accessToken: DEFAULT_ACCESS_TOKEN, pixelCode: DEFAULT_PIXEL_CODE }
export const root = path.resolve(__dirname, '../..')
export const cli = path.join(root, 'bin/tiktok-commanders.js')

/** n valid events, every preset, both layouts, unique ids. */
export function events(n: number, prefix = 'evt') {
  return Array.from({ length: n }, (_, i) =>
    simpleEvent(PRESET_NAMES[i % PRESET_NAMES.length], i % 2 ? 'v1' : 'v2', `${prefix}-${i}`)
  )
}

export const ndjson = (list: unknown[]) => list.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n')
export const asStream = (text: string | Buffer) => Readable.from([Buffer.from(text)])

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'runner-'))
}

export function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name)
  writeFileSync(file, content)
  return file
}

/** Options for a fast replay to an emulator, collecting every outcome. */
export function fast(em: Emulator, extra: Partial<ReplayOptions> = {}) {
  const outcomes: EventOutcome[] = []
  const options: ReplayOptions = {
    settings,
    endpoint: { baseUrl: em.url },
    backoffMs: 1,
    maxBackoffMs: 5,
    onSettled: (o) => outcomes.push(o),
    ...extra
  }
  return { options, outcomes }
}

export const receivedIds = (em: Emulator) => new Set(em.received.map((r) => r.eventId))
