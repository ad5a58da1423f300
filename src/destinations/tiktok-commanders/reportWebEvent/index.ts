import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { STANDARD_WEB_EVENTS } from '../tiktok/constants'
import { sendBatch, sendOne, type Endpoint } from '../tiktok/deliver'
import { fields } from './fields'
import type { Payload } from './generated-types'

export function createReportWebEvent(endpoint: Endpoint): ActionDefinition<Settings, Payload> {
  return {
    title: 'Report Web Event',
    description: 'Send a Commanders Act event to TikTok as a standard web event, hashed and deduplicable.',
    fields,
    dynamicFields: {
      // Offered as choices in the UI, checked by the action itself so a wrong name is a clear PayloadValidationError.
      event: async () => ({ choices: STANDARD_WEB_EVENTS.map((name) => ({ label: name, value: name })) })
    },
    perform: (request, { settings, payload }) => sendOne(request, endpoint, settings, payload),
    performBatch: (request, { settings, payload }) => sendBatch(request, endpoint, settings, payload)
  }
}
