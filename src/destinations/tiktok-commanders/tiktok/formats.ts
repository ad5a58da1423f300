import type { Settings } from '../generated-types'
import { events2Format } from './events2-format'
import { pixelFormat } from './pixel-format'
import type { WireFormat } from './wire-format'

const formats = { pixel: pixelFormat, events_2_0: events2Format } satisfies Record<string, WireFormat>

export function formatFor(settings: Settings): WireFormat {
  return formats[settings.apiFormat ?? 'pixel'] ?? pixelFormat
}
