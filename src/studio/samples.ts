import { readFileSync } from 'node:fs'
import type { SampleView } from './api-types'

/**
 * The bundled sample events, each labelled by its event name, its layout (the product page's, or the current one
 * with `context`) and its source when it states one, so new samples appear without a change here.
 */
export function loadSamples(file: string): SampleView[] {
  const samples: SampleView[] = []
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, n) => {
      let event: unknown
      try {
        event = JSON.parse(line)
      } catch {
        return
      }
      if (event === null || typeof event !== 'object' || Array.isArray(event)) return
      const e = event as Record<string, unknown>
      const parts = [String(e.event_name ?? '(no event_name)')]
      if (typeof e.source === 'string') parts.push(e.source)
      parts.push(e.context && typeof e.context === 'object' ? 'current layout' : 'page layout', `line ${n + 1}`)
      samples.push({ id: `line-${n + 1}`, label: parts.join(' · '), event: e })
    })
  return samples
}
