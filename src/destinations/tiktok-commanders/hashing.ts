import { createHash } from 'crypto'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { SHA256_HEX } from './tiktok/constants'

// Personal data leaves the process only as SHA-256 hex. A value that already is 64 hex characters is taken as
// hashed upstream and passed through (lower-cased, which TikTok's matching expects), never hashed twice.

export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

export function isSha256(value: string): boolean {
  return SHA256_HEX.test(value)
}

function hashUnlessHashed(normalised: string): string {
  return isSha256(normalised) ? normalised.toLowerCase() : sha256(normalised)
}

/** Trim and lower-case, then SHA-256. An MD5 (32 hex) is hashed like any other string: TikTok only matches SHA-256. */
export function hashEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase()
  return email ? hashUnlessHashed(email) : undefined
}

/** SHA-256 of the id as given (trimmed): the same id must always give the same hash. */
export function hashExternalId(raw: string): string | undefined {
  const id = raw.trim()
  return id ? hashUnlessHashed(id) : undefined
}

/**
 * E.164 (`+33612345678`), then SHA-256. Returns undefined when the number cannot be made E.164: TikTok matches the
 * hash of the exact E.164 string, so a guessed format would only send a hash that matches nobody.
 */
export function hashPhone(raw: string): string | undefined {
  const trimmed = raw.trim()
  if (isSha256(trimmed)) return trimmed.toLowerCase()
  const e164 = toE164(trimmed)
  return e164 ? sha256(e164) : undefined
}

export function toE164(raw: string): string | undefined {
  // `(+1)2133734253` and `00 33 6…`: libphonenumber wants the country code behind a leading `+`, and without a
  // default country it cannot read the `00` international prefix, so both are rewritten first.
  let candidate = raw.replace(/[\s().\-/]/g, '')
  if (candidate.startsWith('00')) candidate = `+${candidate.slice(2)}`
  if (!candidate.startsWith('+')) return undefined
  const parsed = parsePhoneNumberFromString(candidate)
  return parsed?.isValid() ? parsed.number : undefined
}
