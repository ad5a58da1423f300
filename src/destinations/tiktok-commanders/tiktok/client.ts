import {
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type ModifiedResponse,
  type RequestClient
} from '@segment/actions-core'
import { TIKTOK_CODES } from './constants'

/** TikTok's answer body: `{ code, message, request_id, data }`; `code: 0` is the only success. */
export interface TikTokReply {
  code: number
  message?: string
  request_id?: string
  data?: unknown
}

export type Outcome = { ok: true; reply: TikTokReply } | { ok: false; error: Error; reply?: TikTokReply }

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1]
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/**
 * POSTs a body to TikTok and reads the answer. Never throws: every way of failing (HTTP errors, TikTok's non-zero
 * `code` behind an HTTP 200, unreadable replies, timeouts, resets) comes back as an actions-core error, so the
 * single path can throw it and the batch path can spread it over its events.
 */
/** What a request reports to, for error messages that name the right setting: the pixel, an app, an event set. */
export interface Target {
  noun: string
  label: string
}

const PIXEL: Target = { noun: 'pixel', label: 'TikTok Pixel ID' }

export async function post(
  request: RequestClient,
  url: string,
  body: Record<string, unknown>,
  target: Target = PIXEL
): Promise<Outcome> {
  let response: ModifiedResponse
  try {
    response = await request(url, { method: 'POST', body: JSON.stringify(body), throwHttpErrors: false })
  } catch (err) {
    return { ok: false, error: networkError(err) }
  }
  return readReply(response.status, response.data, response.content, target)
}

function readReply(status: number, data: unknown, content: string | undefined, target: Target): Outcome {
  if (status === 401 || status === 403) {
    return {
      ok: false,
      error: new InvalidAuthenticationError(
        `TikTok refused the request (HTTP ${status}). Check the Access Token setting: it may be wrong, expired or revoked.`
      )
    }
  }
  if (status === 429 || status >= 500) {
    const retryStatus = (RETRYABLE_STATUSES.has(status) ? status : 500) as RetryableStatus
    return { ok: false, error: new RetryableError(`TikTok is unavailable (HTTP ${status}); retry later.`, retryStatus) }
  }
  const reply = asReply(data)
  if (status < 200 || status >= 300) {
    const detail = reply?.message ?? snippet(content)
    // TikTok's API never redirects: a 3xx comes from something in between. It is reported as a bad gateway, since an
    // error (or a batch result) carrying a status under 400 reads as a success to whatever consumes it.
    const errorStatus = status >= 400 ? status : 502
    return {
      ok: false,
      reply,
      error: new IntegrationError(`TikTok answered HTTP ${status}: ${detail}`, `TIKTOK_HTTP_${status}`, errorStatus)
    }
  }
  if (!reply) {
    // The outcome is unknown, and a resend is harmless: TikTok merges events with the same name and event_id.
    return {
      ok: false,
      error: new RetryableError(`TikTok sent an unreadable reply (HTTP ${status}): ${snippet(content)}`, 500)
    }
  }
  if (reply.code === TIKTOK_CODES.ok) return { ok: true, reply }
  return { ok: false, reply, error: codeError(reply, target) }
}

function codeError(reply: TikTokReply, target: Target): Error {
  const said = `${reply.message ?? 'no message'} (TikTok code ${reply.code}, request_id ${reply.request_id ?? 'none'})`
  switch (reply.code) {
    case TIKTOK_CODES.partialSuccess:
      // Not a success: some events were refused. The batch path tells them apart when TikTok names them.
      return new IntegrationError(`TikTok refused some events of the request: ${said}`, 'TIKTOK_20001', 400)
    case TIKTOK_CODES.tooManyRequests:
      return new RetryableError(`TikTok rate limit reached: ${said}. Retry later.`, 429)
    case TIKTOK_CODES.noPermission:
      return new InvalidAuthenticationError(
        `TikTok says this access token has no permission on the ${target.noun}: ${said}. Check the ${target.label} setting, or give the token's app access to this ${target.noun} in TikTok Business Center.`
      )
    case TIKTOK_CODES.invalidToken:
      return new InvalidAuthenticationError(
        `TikTok says the access token is invalid or revoked: ${said}. Generate a new token in TikTok Ads Manager and update the Access Token setting.`
      )
  }
  // 5xxxx: TikTok's own internal errors, transient by TikTok's account.
  if (reply.code >= 50000 && reply.code < 60000) {
    return new RetryableError(`TikTok had an internal error: ${said}. Retry later.`, 500)
  }
  return new IntegrationError(`TikTok rejected the request: ${said}`, `TIKTOK_${reply.code}`, 400)
}

function networkError(err: unknown): Error {
  const e = err as { name?: string; message?: string; code?: string }
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'RequestTimeoutError' || e?.code === 'ETIMEDOUT'
  return timedOut
    ? new RetryableError('TikTok did not answer in time; retry later.', 408)
    : new RetryableError(`Could not reach TikTok: ${e?.message ?? String(err)}`, 503)
}

function asReply(data: unknown): TikTokReply | undefined {
  // Gateways sometimes strip the JSON content-type; the framework then hands over the raw text.
  if (typeof data === 'string') data = parseJson(data)
  if (data === null || typeof data !== 'object') return undefined
  const code = (data as { code?: unknown }).code
  return typeof code === 'number' ? (data as TikTokReply) : undefined
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A short, single-line excerpt of a reply for an error message (gateway HTML pages run long). */
function snippet(content: string | undefined): string {
  const flat = (content ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return flat ? flat.slice(0, 200) : 'empty body'
}
