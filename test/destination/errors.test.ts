import nock from 'nock'
import {
  createTestIntegration,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import { purchaseV1 } from '../fixtures/events'
import { createDestination } from '../../src/destinations/tiktok-commanders'
import { DEFAULT_ACCESS_TOKEN, DEFAULT_PIXEL_CODE, startEmulator } from '../../src/emulator'
import {
  frameworkEvent,
  interceptTikTok,
  presetMapping,
  sendThroughPreset,
  settings,
  TOKEN,
  trackPath,
  type Format
} from '../helpers'

// TikTok answers HTTP 200 with a non-zero code on failure: every answer must be read, and classified right.

type ErrorClass = typeof RetryableError | typeof InvalidAuthenticationError | typeof IntegrationError
const html502 = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'

const answers: Array<[string, number, unknown, Record<string, string>, ErrorClass, RegExp]> = [
  ['code 40100 (rate limit)', 200, { code: 40100, message: 'Too many requests', request_id: 'r1' }, {}, RetryableError, /rate limit.*40100.*r1/],
  ['HTTP 429', 429, { code: 40100, message: 'Too many requests' }, {}, RetryableError, /HTTP 429/],
  ['HTTP 500', 500, { code: 50000, message: 'oops' }, {}, RetryableError, /HTTP 500/],
  ['an HTML 502 from the gateway', 502, html502, { 'content-type': 'text/html' }, RetryableError, /HTTP 502/],
  ['HTTP 503', 503, 'Service Unavailable', { 'content-type': 'text/plain' }, RetryableError, /HTTP 503/],
  ['code 50002 (TikTok internal error)', 200, { code: 50002, message: 'Internal error', request_id: 'r2' }, {}, RetryableError, /internal error.*50002/],
  ['an unreadable JSON reply', 200, '{"code":0,"mess', {}, RetryableError, /unreadable reply/],
  ['code 40001 (no permission on the pixel)', 200, { code: 40001, message: 'No permission to operate pixel code: CPIXEL0123456789', request_id: 'r3' }, {}, InvalidAuthenticationError, /no permission on the pixel.*TikTok Pixel ID setting/],
  ['code 40105 (token invalid or revoked)', 200, { code: 40105, message: 'Access token is invalid', request_id: 'r4' }, {}, InvalidAuthenticationError, /invalid or revoked.*Access Token setting/],
  ['HTTP 401', 401, { code: 40105, message: 'Unauthorized' }, {}, InvalidAuthenticationError, /HTTP 401.*Access Token/],
  ['HTTP 403', 403, 'Forbidden', { 'content-type': 'text/plain' }, InvalidAuthenticationError, /HTTP 403/],
  ['code 40002 (invalid parameter)', 200, { code: 40002, message: 'properties.currency: Invalid currency', request_id: 'r5' }, {}, IntegrationError, /properties\.currency: Invalid currency \(TikTok code 40002, request_id r5\)/],
  ['code 40002 without a JSON content-type', 200, '{"code":40002,"message":"event: Invalid","request_id":"r6"}', { 'content-type': 'text/plain' }, IntegrationError, /event: Invalid \(TikTok code 40002, request_id r6\)/],
  ['HTTP 400', 400, { code: 40000, message: 'Bad request' }, {}, IntegrationError, /HTTP 400: Bad request/]
] // prettier-ignore

afterEach(() => nock.cleanAll())

describe.each<Format>(['pixel', 'events_2_0'])('TikTok answers, %s format', (format) => {
  it.each(answers)('%s -> %p', async (_, status, reply, headers, errorClass, message) => {
    interceptTikTok(trackPath(format), reply, status, { 'content-type': 'application/json', ...headers })
    const error = await sendThroughPreset(purchaseV1(), settings({ apiFormat: format })).catch((e: Error) => e)
    expect(error).toBeInstanceOf(errorClass)
    if (errorClass === IntegrationError) {
      expect(error).not.toBeInstanceOf(RetryableError)
      expect(error).not.toBeInstanceOf(PayloadValidationError)
    }
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain(TOKEN)
  })

  it.each([
    ['a dropped connection', 'drop', /Could not reach TikTok: .*socket hang up/],
    ['a reply slower than the timeout', 'slow', /did not answer in time/]
  ] as const)('%s is retryable', async (_, fault, message) => {
    // A real loopback server: a socket that really closes, a reply that really comes late.
    const emulator = await startEmulator({ port: 0, script: [fault], slowMs: 500 })
    try {
      const destination = createTestIntegration(createDestination({ baseUrl: emulator.url, timeoutMs: 100 }))
      const error = await destination
        .testAction('reportWebEvent', {
          event: frameworkEvent(purchaseV1()),
          mapping: presetMapping('purchase'),
          settings: { accessToken: DEFAULT_ACCESS_TOKEN, pixelCode: DEFAULT_PIXEL_CODE, apiFormat: format }
        })
        .catch((e: Error) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expect((error as Error).message).toMatch(message)
    } finally {
      await emulator.close()
    }
  })

  it("code 0 is a success and returns TikTok's reply", async () => {
    interceptTikTok(trackPath(format), { code: 0, message: 'OK', request_id: 'r-ok', data: {} })
    const responses = await sendThroughPreset(purchaseV1(), settings({ apiFormat: format }))
    expect(responses).toHaveLength(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].data).toEqual({ code: 0, message: 'OK', request_id: 'r-ok', data: {} })
  })
})
