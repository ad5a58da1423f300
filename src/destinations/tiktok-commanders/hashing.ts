import { hash } from 'crypto'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import { SHA256_HEX } from './tiktok/constants'

// Personal data leaves the process only as SHA-256 hex. A value that already is 64 hex characters is taken as
// hashed upstream and passed through (lower-cased, which TikTok's matching expects), never hashed twice.

export function sha256(value: string): string {
  // One-shot: a third of the cost of createHash().update().digest() for values this short.
  return hash('sha256', value, 'hex')
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
export function hashPhone(raw: string, defaultCountry?: CountryCode): string | undefined {
  const trimmed = raw.trim()
  if (isSha256(trimmed)) return trimmed.toLowerCase()
  const e164 = toE164(trimmed, defaultCountry)
  return e164 ? sha256(e164) : undefined
}

/**
 * The E.164 form of a phone number. A number in national form (`06 12 34 56 78`) is read in `defaultCountry` when
 * one is given; without it, only numbers that carry their country code are read.
 */
export function toE164(raw: string, defaultCountry?: CountryCode): string | undefined {
  // `(+1)2133734253` and `00 33 6…`: libphonenumber wants the country code behind a leading `+`, and without a
  // default country it cannot read the `00` international prefix, so both are rewritten first.
  let candidate = raw.replace(/[\s().\-/]/g, '')
  if (candidate.startsWith('00')) candidate = `+${candidate.slice(2)}`
  if (!candidate.startsWith('+') && !defaultCountry) return undefined
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry)
  return parsed?.isValid() ? parsed.number : undefined
}

/** First name, last name: trimmed and lower-cased, then SHA-256. */
export function hashName(raw: string): string | undefined {
  const name = raw.trim().toLowerCase()
  return name ? hashUnlessHashed(name) : undefined
}

/** Zip or post code: lower-cased without any space (`SW1A 1AA` -> `sw1a1aa`), then SHA-256. */
export function hashZip(raw: string): string | undefined {
  const zip = raw.replace(/\s+/g, '').toLowerCase()
  return zip ? hashUnlessHashed(zip) : undefined
}

// Advertising ids: TikTok takes them raw or hashed; they identify a person across apps, so they leave hashed.

/** iOS advertising id: SHA-256 of the upper-case value (TikTok's form for a hashed IDFA). */
export function hashIdfa(raw: string): string | undefined {
  const id = raw.trim()
  if (isSha256(id)) return id.toLowerCase()
  return isAdvertisingId(id) ? sha256(id.toUpperCase()) : undefined
}

/** Android advertising id: SHA-256 of the trimmed lower-case value (TikTok's form for a hashed GAID). */
export function hashGaid(raw: string): string | undefined {
  const id = raw.trim()
  if (isSha256(id)) return id.toLowerCase()
  return isAdvertisingId(id) ? sha256(id.toLowerCase()) : undefined
}

// A device without consent reports an all-zero id: it identifies nobody and must not be sent.
function isAdvertisingId(id: string): boolean {
  return id !== '' && !/^[0-]+$/.test(id)
}

/**
 * Hashed identifiers by kind and raw value, so that one person's email, phone or id is normalised (the E.164 parse is
 * the dearest step) and hashed once while their events come in: a visitor's events arrive together. Personal data
 * must not linger: a memo belongs to one destination (or one runner's run) and is never stored elsewhere or logged;
 * it forgets everything once its oldest entry is `maxAgeMs` old, and when it holds `capacity` entries, so a stream of
 * all-different people cannot grow it without end.
 */
export class HashMemo {
  private readonly kinds = new Map<string, Map<string, string | undefined>>()
  private size = 0
  private since = 0
  // Forgets on time even when no batch comes to check: an idle destination keeps no identifiers.
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly capacity = 10_000,
    private readonly maxAgeMs = 10_000,
    private readonly clock: () => number = Date.now
  ) {}

  /** `compute(raw)` (a hash of kind `kind`), from the memo when it was computed lately. */
  get(kind: string, raw: string, compute: (raw: string) => string | undefined): string | undefined {
    let memo = this.kinds.get(kind)
    if (memo === undefined) this.kinds.set(kind, (memo = new Map()))
    else if (memo.has(raw)) return memo.get(raw)
    const hashed = compute(raw)
    if (this.size >= this.capacity) {
      this.forget()
      this.kinds.set(kind, (memo = new Map()))
    }
    if (this.size === 0) {
      this.since = this.clock()
      this.timer = setTimeout(() => this.forget(), this.maxAgeMs)
      // Never what keeps a process alive.
      this.timer.unref?.()
    }
    memo.set(raw, hashed)
    this.size++
    return hashed
  }

  /**
   * Forgets everything when the oldest entry has been kept `maxAgeMs`; called before each batch, so that a memo in
   * use never answers from older entries even when its timer is late.
   */
  expire(): this {
    if (this.size > 0 && this.clock() - this.since >= this.maxAgeMs) this.forget()
    return this
  }

  private forget(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.kinds.clear()
    this.size = 0
  }
}
