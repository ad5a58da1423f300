import { readFileSync } from 'fs'
import path from 'path'
import type { CommandersActEvent } from '../destinations/tiktok-commanders/commanders/event'

/** The bundled sample: every source, both Commanders Act layouts, and a few bad events on purpose. */
export const SAMPLE_FILE = path.resolve(__dirname, '../../samples/commanders-act-events.ndjson')

/** The sample's events, less its lines that are not JSON (kept there for the runner's tests). */
export function sampleEvents(): CommandersActEvent[] {
  return readFileSync(SAMPLE_FILE, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as CommandersActEvent]
      } catch {
        return []
      }
    })
}
