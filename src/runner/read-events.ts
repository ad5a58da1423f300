import { Tokenizer, TokenType } from '@streamparser/json'
import { once } from 'events'
import { createReadStream } from 'fs'
import { createGunzip } from 'zlib'
import type { Readable } from 'stream'

// The read and parse stages: bytes in, one record per event out, as a stream. Nothing here holds more than the event
// being read, so an export of any size reads in the same memory. Every event is decoded as strict UTF-8 and parsed by
// JSON.parse, whatever the layout: `__proto__` stays a plain key and a bad byte refuses its event instead of turning
// into U+FFFD.

/** One input record: a Commanders Act event, or what could not be read with why (kept, so nothing is lost). */
export interface InputRecord {
  /** Position in the input, from 0, counting unreadable records too: the journal and `--resume` rely on it. */
  index: number
  /** Where it is, for messages: `line 12` or `item 4` (of a JSON array). */
  where: string
  /** Size of the event's text in bytes. */
  bytes: number
  event?: Record<string, unknown>
  error?: string
  /** The text of an unreadable record, so the failed-events file can give it back. */
  raw?: string
  /** When the text is not even UTF-8: its bytes, base64. */
  rawBase64?: string
}

/** A line of a failed-events file: the event (or the unreadable text) and why it failed. `send` replays it. */
export interface FailedLine {
  failure: { reason: string; status?: number; attempts: number; tiktokEvent: string }
  event?: unknown
  raw?: string
  rawBase64?: string
}

/** The whole input is unusable from some point on (a broken JSON array); what came before was read. */
export class InputError extends Error {}

/** Deeper than any Commanders Act event; deep enough input makes recursive code (the framework's mapping) crash. */
export const MAX_DEPTH = 64

export type InputSource = string | Readable

export interface ReadOptions {
  /** Called with the bytes read so far (compressed bytes for a .gz file), for progress. */
  onBytes?: (bytes: number) => void
  /** Stops reading: the generator ends after the record being read. */
  signal?: AbortSignal
}

/**
 * Reads events from NDJSON (one event a line), a JSON array, or JSON objects one after another (pretty-printed),
 * optionally gzip-compressed; a string is a file path, `-` is stdin. A failed-events file written by `send` is NDJSON
 * of FailedLine and replays as the events it holds.
 */
export async function* readEvents(source: InputSource, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  const stream = source === '-' ? process.stdin : typeof source === 'string' ? createReadStream(source) : source
  yield* parseStream(decompressed(stream, options), options.signal)
}

/** Gunzips when the input starts with gzip's magic bytes, whatever its name. */
async function* decompressed(stream: Readable | NodeJS.ReadableStream, options: ReadOptions): AsyncGenerator<Buffer> {
  let read = 0
  const counted = async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      read += buffer.length
      options.onBytes?.(read)
      yield buffer
    }
  }
  const source = counted()
  const first = await source.next()
  if (first.done) return
  if (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    const gunzip = createGunzip()
    void (async () => {
      try {
        gunzip.write(first.value)
        for await (const chunk of source) {
          if (gunzip.destroyed) break
          if (!gunzip.write(chunk)) await Promise.race([once(gunzip, 'drain'), once(gunzip, 'close')])
        }
        gunzip.end()
      } catch (err) {
        gunzip.destroy(err as Error)
      } finally {
        await source.return(undefined)
      }
    })()
    try {
      for await (const chunk of gunzip) yield chunk as Buffer
    } catch (err) {
      throw new InputError(`the gzip input is damaged: ${(err as Error).message}`)
    }
    return
  }
  yield first.value
  yield* source
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Parses a byte stream; picks the layout from its first bytes. */
export async function* parseStream(chunks: AsyncIterable<Buffer>, signal?: AbortSignal): AsyncGenerator<InputRecord> {
  const iterator = chunks[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let layout: 'ndjson' | 'json' | undefined
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    head.push(r.value)
    layout = layoutOf(Buffer.concat(head))
    if (layout) break
  }
  const rest = async function* () {
    yield* head
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value
  }
  try {
    if (!layout) layout = layoutOf(Buffer.concat(head), true)
    if (!layout) return
    if (layout === 'ndjson') {
      let index = 0
      for await (const { line, n } of splitLines(rest())) {
        if (signal?.aborted) return
        if (isBlank(line)) continue
        yield fromBytes(index++, `line ${n}`, line)
      }
      return
    }
    yield* parseJsonText(rest(), signal)
  } finally {
    // Stopped early (interrupted, broken input): close the input rather than leave it open.
    await iterator.return?.()
  }
}

/**
 * A JSON array, or pretty-printed JSON (a first line that is only `{`), is read as JSON text; anything else as
 * NDJSON. Undecided (undefined) until the bytes say; at the end of the input, empty input is undefined too.
 */
function layoutOf(bytes: Buffer, atEnd = false): 'ndjson' | 'json' | undefined {
  let i = 0
  while (i < bytes.length && isSpace(bytes[i])) i++
  if (i === bytes.length) return undefined
  if (bytes[i] === 0x5b) return 'json'
  if (bytes[i] !== 0x7b) return 'ndjson'
  for (i++; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) return 'json'
    if (!isSpace(bytes[i])) return 'ndjson'
  }
  return atEnd ? 'ndjson' : undefined
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (!isSpace(byte)) return false
  return true
}

/** Splits bytes into lines (without `\n` and a trailing `\r`), numbered from 1; a line may be any length. */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ line: Buffer; n: number }> {
  let pending: Buffer[] = []
  let n = 0
  for await (const chunk of chunks) {
    let start = 0
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, end))
      const line = pending.length === 1 ? pending[0] : Buffer.concat(pending)
      pending = []
      start = end + 1
      yield { line: line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line, n: ++n }
    }
    if (start < chunk.length) pending.push(chunk.subarray(start))
  }
  if (pending.length) yield { line: Buffer.concat(pending), n: ++n }
}

/** One event's bytes to a record: strict UTF-8, JSON.parse, a depth bound, and a failed-events line unwrapped. */
function fromBytes(index: number, where: string, bytes: Buffer): InputRecord {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return {
      index,
      where,
      bytes: bytes.length,
      error: `${where} is not valid UTF-8`,
      rawBase64: bytes.toString('base64')
    }
  }
  return fromText(index, where, text, bytes.length)
}

function fromText(index: number, where: string, text: string, bytes: number): InputRecord {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { index, where, bytes, error: `${where} is not JSON: ${(err as Error).message}`, raw: text }
  }
  if (isFailedLine(value)) {
    // A replayed failure: its event, or its unreadable text read again as it was (never nested one level deeper).
    if (value.event !== undefined) value = value.event
    else if (typeof value.raw === 'string') return fromText(index, where, value.raw, Buffer.byteLength(value.raw))
    else if (typeof value.rawBase64 === 'string') return fromBytes(index, where, Buffer.from(value.rawBase64, 'base64'))
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { index, where, bytes, error: `${where} is not a Commanders Act event (a JSON object)`, raw: text }
  }
  if (depthOver(value, MAX_DEPTH)) {
    return { index, where, bytes, error: `${where} is nested deeper than ${MAX_DEPTH} levels`, raw: text }
  }
  return { index, where, bytes, event: value as Record<string, unknown> }
}

function isFailedLine(value: unknown): value is FailedLine {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 2 && keys[0] === 'failure' && ['event', 'raw', 'rawBase64'].includes(keys[1])
}

/** Without recursion, so no input can exhaust the stack here. */
function depthOver(root: object, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]]
  while (stack.length) {
    const [value, depth] = stack.pop() as [unknown, number]
    if (depth > max) return true
    if (value === null || typeof value !== 'object') continue
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}

/**
 * A JSON array of events, or JSON values one after another. A streaming tokenizer finds where each event starts
 * and ends; the event's own bytes then go through `fromBytes` like an NDJSON line. The array's own punctuation is
 * checked here: once it is broken nothing after it can be trusted, so reading stops with an InputError naming where.
 */
async function* parseJsonText(chunks: AsyncIterable<Buffer>, signal?: AbortSignal): AsyncGenerator<InputRecord> {
  const tokenizer = new Tokenizer({ separator: '' })
  let ready: InputRecord[] = []
  let failure: string | undefined
  // Bytes seen and not yet part of a finished event; `base` is the offset of kept[0].
  let kept: Buffer[] = []
  let base = 0
  let total = 0
  let depth = 0
  let inArray = false
  let arrayClosed = false
  let expectValue = true
  let itemStart = -1
  let dropped = 0
  let index = 0

  const lineAt = (offset: number): number => {
    let n = dropped + 1
    let at = base
    for (const buffer of kept) {
      for (let i = 0; i < buffer.length && at < offset; i++, at++) if (buffer[i] === 0x0a) n++
    }
    return n
  }
  const broken = (offset: number, why: string) => {
    failure ??=
      `the JSON input is broken at byte ${offset} (line ${lineAt(offset)}), after ${index} events: ${why}; ` +
      'nothing after it was read'
  }
  const slice = (from: number, to: number): Buffer => {
    const all = kept.length === 1 ? kept[0] : Buffer.concat(kept)
    kept = [all]
    return all.subarray(from - base, to - base)
  }
  const finishItem = (from: number, to: number) => {
    const where = inArray ? `item ${index + 1}` : `value ${index + 1}`
    ready.push(fromBytes(index++, where, slice(from, to)))
    itemStart = -1
  }
  tokenizer.onToken = ({ token, value, offset }) => {
    if (failure) return
    const top = inArray ? 1 : 0
    if (depth === 0 && !inArray) {
      if (token === TokenType.LEFT_BRACKET && index === 0 && !arrayClosed) {
        inArray = true
        depth = 1
        expectValue = true
        return
      }
      if (arrayClosed) return broken(offset, 'unexpected data after the closing ]')
    }
    if (depth === top) {
      if (token === TokenType.COMMA && inArray) {
        if (expectValue) return broken(offset, 'a comma where an event was expected')
        expectValue = true
        return
      }
      if (token === TokenType.RIGHT_BRACKET && inArray) {
        if (expectValue && index > 0) return broken(offset, 'a comma before the closing ]')
        inArray = false
        arrayClosed = true
        depth = 0
        return
      }
      if (!expectValue && inArray) return broken(offset, 'a missing comma between two events')
      expectValue = !inArray
      if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
        itemStart = offset
        depth++
        return
      }
      // A bare string, number, true, false or null where an event belongs: its own refusal, not a broken input.
      ready.push({
        index: index++,
        where: `item ${index}`,
        bytes: 0,
        error: `item ${index} is not a Commanders Act event (a JSON object)`,
        raw: JSON.stringify(value)
      })
      return
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) depth++
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      depth--
      if (depth === top && itemStart >= 0) finishItem(itemStart, offset + 1)
    }
  }
  tokenizer.onError = (err) => {
    // The tokenizer says where, in its own words; the byte it names is what the user needs.
    const at = /absolute position "(\d+)"/.exec(err.message)
    broken(at ? Number(at[1]) : total, err.message.replace(/\n/g, '\\n'))
  }

  for await (const chunk of chunks) {
    kept.push(chunk)
    total += chunk.length
    try {
      tokenizer.write(chunk)
    } catch (err) {
      broken(total, (err as Error).message)
    }
    for (const record of ready) yield record
    ready = []
    if (failure) throw new InputError(failure)
    if (signal?.aborted) return
    // Drop the bytes no unfinished event needs any more.
    const keepFrom = itemStart >= 0 ? itemStart : total
    if (keepFrom > base) {
      const all = kept.length === 1 ? kept[0] : Buffer.concat(kept)
      const cut = Math.min(keepFrom - base, all.length)
      for (let i = 0; i < cut; i++) if (all[i] === 0x0a) dropped++
      kept = cut < all.length ? [all.subarray(cut)] : []
      base += cut
    }
  }
  if (!failure && (inArray || depth > 0))
    broken(total, inArray ? 'the array is not closed (no ])' : 'it ends mid-value')
  if (failure) throw new InputError(failure)
}
