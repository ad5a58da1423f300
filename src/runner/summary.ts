import { MATCH_KEYS } from './describe'
import type { RunSummary } from './settle'

/**
 * The end-of-run summary: per TikTok event delivered / refused / not sent, each reason once with its count, per
 * source, and the share of delivered events carrying each match key.
 */
export function formatSummary(summary: RunSummary): string {
  const verb = summary.dryRun ? 'ready' : 'delivered'
  const rows = Object.entries(summary.byEvent).sort(([a], [b]) => a.localeCompare(b))
  const width = Math.max(14, ...rows.map(([k]) => k.length))
  const num = (n: number, w: number) => String(n).padStart(w)
  const lines = [
    `${'TikTok event'.padEnd(width)}  ${verb.padStart(9)}  ${'refused'.padStart(7)}  ${'not sent'.padStart(8)}`
  ]
  for (const [name, c] of rows) {
    lines.push(`${name.padEnd(width)}  ${num(c.delivered, 9)}  ${num(c.refused, 7)}  ${num(c.notSent, 8)}`)
    for (const r of summary.reasons.filter((x) => x.tiktokEvent === name)) {
      lines.push(`${''.padEnd(width)}    ${r.count} x ${r.status === 'not_sent' ? 'not sent: ' : ''}${r.reason}`)
    }
  }
  const order = ['web', 'app', 'offline', 'crm', 'unknown']
  const sources = Object.entries(summary.bySource).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
  if (sources.length) {
    lines.push(
      '',
      `By source: ${sources.map(([s, c]) => `${s} ${c.delivered} ${verb}, ${c.refused} refused, ${c.notSent} not sent`).join('; ')}`
    )
  }
  if (summary.delivered) {
    const shares = MATCH_KEYS.map((k) => `${k} ${Math.round(summary.matchKeys[k] * 100)}%`)
    lines.push(`Match keys (share of ${verb} events): ${shares.join(', ')}`)
  }
  lines.push(
    '',
    `${summary.read} events: ${summary.delivered} ${verb}, ${summary.refused} refused, ${summary.notSent} not sent` +
      (summary.skipped ? `, ${summary.skipped} skipped (settled by an earlier run)` : '') +
      (summary.dryRun ? ' (dry run: nothing was sent)' : `, in ${summary.requests} requests`)
  )
  if (summary.stopped) lines.push(`Stopped before the end of the input: ${summary.stopped}`)
  return lines.join('\n')
}
