import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import type { ReplayView } from '../api-types'
import { api, messageOf } from './api'

export function Replay({ onDone }: { onDone: () => void }) {
  const [job, setJob] = useState<ReplayView>()
  const [error, setError] = useState('')
  const [file, setFile] = useState<File>()

  useEffect(() => {
    if (!job || job.finished) return
    const timer = setTimeout(async () => {
      try {
        const next = await api<ReplayView>('GET', `/api/replay/${job.id}`)
        setJob(next)
        if (next.finished) onDone()
      } catch (err) {
        setError(messageOf(err))
      }
    }, 250)
    return () => clearTimeout(timer)
  }, [job])

  const start = async (e: Event) => {
    e.preventDefault()
    setError('')
    if (!file) return setError('Choose a file first.')
    try {
      setJob(await api<ReplayView>('POST', '/api/replay', await file.text(), 'application/x-ndjson'))
    } catch (err) {
      setJob(undefined)
      setError(messageOf(err))
    }
  }
  const summary = job?.summary
  return html`
    <section id="replay" aria-labelledby="replay-title">
      <h2 id="replay-title">Replay a file</h2>
      <form onSubmit=${start}>
        <div class="field">
          <label for="replay-file">Events file (NDJSON, one event a line, or a JSON array)</label>
          <input
            id="replay-file"
            type="file"
            accept=".ndjson,.json,.jsonl,.txt,application/json"
            onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])}
          />
        </div>
        <button type="submit" disabled=${!!job && !job.finished}>Replay</button>
      </form>
      <p role="alert" class=${error ? 'error' : ''}>${error ? `✗ ${error}` : ''}</p>
      ${
        job
          ? html`<div class="progress">
              <label for="replay-progress">Progress</label>
              <progress id="replay-progress" max=${job.total} value=${job.done}></progress>
              <span role="status">${job.done} of ${job.total} events${job.finished ? ', finished' : '…'}</span>
            </div>`
          : null
      }
      ${job?.error ? html`<p role="alert" class="error">✗ ${job.error}</p>` : null}
      ${
        summary
          ? html`<div class="summary">
              <p class="totals">
                <strong>${summary.total}</strong> events: <strong>${summary.delivered}</strong> delivered, <strong>${summary.refused}</strong> refused, in ${summary.requests} requests.
              </p>
              <table class="replay-summary">
                <caption>
                  Per TikTok event
                </caption>
                <thead>
                  <tr>
                    <th scope="col">TikTok event</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Delivered</th>
                    <th scope="col">Refused</th>
                    <th scope="col">Why refused</th>
                  </tr>
                </thead>
                <tbody>
                  ${summary.rows.map(
                    (r) =>
                      html`<tr>
                        <th scope="row">${r.tiktokEvent}</th>
                        <td>${r.sent}</td>
                        <td>${r.delivered}</td>
                        <td>${r.refused}</td>
                        <td>
                          ${
                            r.reasons.length
                              ? html`<ul>
                                  ${r.reasons.map((x) => html`<li>${x.count} × ${x.reason}</li>`)}
                                </ul>`
                              : ''
                          }
                        </td>
                      </tr>`
                  )}
                </tbody>
              </table>
              <figure class="coverage">
                <figcaption>
                  Match-key coverage: of the ${summary.coverage.mapped} events that could be mapped, how many carry each
                  key
                </figcaption>
                ${summary.coverage.keys.map((k) => {
                  const share = summary.coverage.mapped ? Math.round((k.events / summary.coverage.mapped) * 100) : 0
                  return html`<div class="bar-row">
                    <span class="bar-label">${k.key}</span>
                    <span class="bar" role="img" aria-label=${`${k.key}: ${share}%`}
                      ><span class="fill" style=${`width:${share}%`}></span
                    ></span>
                    <span class="bar-value">${k.events} of ${summary.coverage.mapped} (${share}%)</span>
                  </div>`
                })}
              </figure>
              ${
                summary.refused
                  ? html`<p>
                      <a href=${`/api/replay/${job?.id}/failed-events.ndjson`} download="failed-events.ndjson">
                        Download the ${summary.refused} failed events</a
                      >
                      ${" (NDJSON with their reasons; replayable here or with the CLI's send)."}
                    </p>`
                  : null
              }
            </div>`
          : null
      }
    </section>
  `
}
