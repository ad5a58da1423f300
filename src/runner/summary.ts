import { writeFileSync } from 'fs'
import type { FailedLine } from './read-events'
import type { RunReport } from './run'

interface Row {
  sent: number
  delivered: number
  refused: Map<string, number>
}

/** The end-of-run summary: per TikTok event, how many were sent, delivered, and refused for which reason. */
export function formatSummary(report: RunReport): string {
  const rows = new Map<string, Row>()
  for (const o of report.outcomes) {
    let row = rows.get(o.tiktokEvent)
    if (!row) rows.set(o.tiktokEvent, (row = { sent: 0, delivered: 0, refused: new Map() }))
    row.sent++
    if (o.delivered) row.delivered++
    else {
      const reason = oneLine(o.reason ?? 'unknown')
      row.refused.set(reason, (row.refused.get(reason) ?? 0) + 1)
    }
  }
  const verb = report.dryRun ? 'ready' : 'delivered'
  const width = Math.max(14, ...[...rows.keys()].map((k) => k.length))
  const lines = [
    `${'TikTok event'.padEnd(width)}  ${'events'.padStart(7)}  ${verb.padStart(9)}  ${'refused'.padStart(7)}`
  ]
  for (const [name, row] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const refused = row.sent - row.delivered
    lines.push(
      `${name.padEnd(width)}  ${String(row.sent).padStart(7)}  ${String(row.delivered).padStart(9)}  ${String(refused).padStart(7)}`
    )
    for (const [reason, count] of row.refused) lines.push(`${''.padEnd(width)}    ${count} x ${reason}`)
  }
  lines.push(
    '',
    `${report.total} events: ${report.delivered} ${verb}, ${report.failed} refused` +
      (report.dryRun ? ' (dry run: nothing was sent)' : `, in ${report.requests} requests`)
  )
  return lines.join('\n')
}

/** Writes each refused event with its reason, as NDJSON that `send` can replay. Returns how many were written. */
export function writeFailed(report: RunReport, file: string): number {
  const failed = report.outcomes.filter((o) => !o.delivered)
  const lines = failed.map((o) => {
    const line: FailedLine = {
      failure: { reason: o.reason ?? 'unknown', status: o.status, attempts: o.attempts, tiktokEvent: o.tiktokEvent },
      event: o.input
    }
    return JSON.stringify(line)
  })
  if (lines.length) writeFileSync(file, lines.join('\n') + '\n')
  return lines.length
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat
}
