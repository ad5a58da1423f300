import { readFileSync } from 'fs'
import { createInterface } from 'readline'

/** One input record: a Commanders Act event, or a line that could not be read (kept, so nothing is lost). */
export interface InputRecord {
  index: number
  event?: Record<string, unknown>
  error?: string
  raw?: string
}

/** A line of a failed-events file: the event and why it failed. `send` replays the event. */
export interface FailedLine {
  failure: { reason: string; status?: number; attempts: number; tiktokEvent: string }
  event: unknown
}

/**
 * Reads events from NDJSON (one event a line), a JSON array, or a JSON object holding one event. `-` is stdin.
 * A failed-events file written by `send` is NDJSON of FailedLine and replays as the events it holds.
 */
export async function readEvents(source: string): Promise<InputRecord[]> {
  const text = source === '-' ? await readStream(process.stdin) : readFileSync(source, 'utf8')
  return parseEvents(text)
}

export function parseEvents(text: string): InputRecord[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      parsed = undefined
    }
    if (Array.isArray(parsed)) return parsed.map((value, index) => record(index, value, JSON.stringify(value)))
  }
  const records: InputRecord[] = []
  const lines = trimmed.split(/\r?\n/)
  lines.forEach((line, n) => {
    if (!line.trim()) return
    const index = records.length
    try {
      records.push(record(index, JSON.parse(line), line))
    } catch (err) {
      records.push({ index, error: `line ${n + 1} is not JSON: ${(err as Error).message}`, raw: line })
    }
  })
  return records
}

function record(index: number, value: unknown, raw: string): InputRecord {
  const event = isFailedLine(value) ? value.event : value
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { index, error: 'not a Commanders Act event (a JSON object)', raw }
  }
  return { index, event: event as Record<string, unknown> }
}

function isFailedLine(value: unknown): value is FailedLine {
  return (
    value !== null &&
    typeof value === 'object' &&
    'failure' in value &&
    'event' in value &&
    Object.keys(value).length === 2
  )
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const lines: string[] = []
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) lines.push(line)
  return lines.join('\n')
}
