import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { ALL_STANDARD_EVENTS } from '../tiktok/event-names'
import { sendBatch, sendOne, type Endpoint } from '../tiktok/deliver'
import { HashMemo } from '../hashing'
import { fields } from './fields'
import type { Payload } from './generated-types'

export function createReportWebEvent(endpoint: Endpoint): ActionDefinition<Settings, Payload> {
  // One memo per destination: a visitor's identifiers are hashed once while their events come in (see HashMemo).
  const identifiers = new HashMemo()
  return {
    title: 'Report Web and App Event',
    description:
      'Send a Commanders Act event to TikTok as a web, app, offline or CRM event (the source is found per event), hashed and deduplicable.',
    fields,
    dynamicFields: {
      // Offered as choices in the UI, checked by the action itself so a wrong name is a clear PayloadValidationError.
      event: async () => ({ choices: ALL_STANDARD_EVENTS.map((name) => ({ label: name, value: name })) })
    },
    perform: (request, { settings, payload }) => sendOne(request, endpoint, settings, payload, identifiers),
    performBatch: (request, { settings, payload }) => sendBatch(request, endpoint, settings, payload, identifiers)
  }
}
