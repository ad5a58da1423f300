import { readFileSync } from 'node:fs'
import type { SampleView } from './api-types'

/**
 * The bundled sample events, each labelled by its event name, the source the destination sends it from (`sourceOf`
 * asks the destination) and its layout (the product page's, or the current one with `context`), so new samples
 * appear without a change here.
 */
export function loadSamples(
  file: string,
  sourceOf: (event: Record<string, unknown>) => string | undefined
): SampleView[] {
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
      const source = sourceOf(e)
      if (source) parts.push(source)
      parts.push(e.context && typeof e.context === 'object' ? 'current layout' : 'page layout', `line ${n + 1}`)
      samples.push({ id: `line-${n + 1}`, label: parts.join(' · '), event: e })
    })
  return samples
}
