import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { presets } from './presets'
import { createReportWebEvent } from './reportWebEvent'
import { settingsFields } from './settings'
import { post } from './tiktok/client'
import { PATHS, TIKTOK_BASE_URL, TIKTOK_CODES } from './tiktok/constants'
import type { Endpoint } from './tiktok/deliver'

/**
 * Builds the destination. The definition CDP users see always speaks to TikTok; code that embeds it (the runner,
 * tests, the benchmark) may point it at a stand-in such as the bundled emulator, never through a setting.
 */
export function createDestination(endpoint: Endpoint = { baseUrl: TIKTOK_BASE_URL }): DestinationDefinition<Settings> {
  return {
    // Must be a valid URI scheme: actions-core builds request URIs from it.
    name: 'tiktok-commanders',
    slug: 'actions-tiktok-commanders',
    description:
      'Send Commanders Act web, app, offline and CRM events to the TikTok Events API, server side, for attribution and optimisation.',
    mode: 'cloud',
    authentication: {
      scheme: 'custom',
      fields: settingsFields,
      testAuthentication: async (request, { settings }) => {
        // A deliberately incomplete event: TikTok checks the token and the pixel before the body, so 40002
        // (invalid parameter) proves both are good, and nothing is recorded on the pixel.
        const outcome = await post(request, endpoint.baseUrl + PATHS.pixelTrack, { pixel_code: settings.pixelCode })
        if (outcome.ok || outcome.reply?.code === TIKTOK_CODES.invalidParameter) return true
        throw outcome.error
      }
    },
    extendRequest: ({ settings }) => ({
      // The token travels only in this header: never in a body, URL, log line or error message.
      headers: { 'Access-Token': settings.accessToken, 'Content-Type': 'application/json' },
      // Replies are read once; cloning each one only costs time.
      skipResponseCloning: true,
      ...(endpoint.timeoutMs ? { timeout: endpoint.timeoutMs } : {})
    }),
    presets,
    actions: { reportWebEvent: createReportWebEvent(endpoint) }
  }
}

export default createDestination()
