import type { Emulator } from '../emulator'
import type { InspectorView } from './api-types'

// The one place the studio reads what the emulator received. Today that is the emulator's in-process lists; when the
// emulator serves its recent requests over HTTP, this file reads them from there instead.

export function inspect(emulator: Emulator, options: { event?: string; limit?: number }): InspectorView {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500)
  const wanted = options.event?.trim().toLowerCase()
  const events = []
  for (let i = emulator.received.length - 1; i >= 0 && events.length < limit; i--) {
    const e = emulator.received[i]
    if (wanted && !e.event.toLowerCase().includes(wanted)) continue
    events.push({
      event: e.event,
      eventId: e.eventId,
      format: e.format,
      pixelCode: e.pixelCode,
      testEventCode: e.testEventCode,
      body: e.body
    })
  }
  const requests = emulator.requests
    .slice(-limit)
    .reverse()
    .map(({ path, status, code, message, events }) => ({ path, status, code, message, events }))
  return { requests, events, total: emulator.received.length }
}
