import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import type { InspectorView } from '../api-types'
import { api, messageOf, pretty } from './api'

export function Inspector({ activity }: { activity: number }) {
  const [filter, setFilter] = useState('')
  const [view, setView] = useState<InspectorView>()
  const [error, setError] = useState('')

  const load = async () => {
    try {
      setView(await api<InspectorView>('GET', `/api/inspector?limit=50&event=${encodeURIComponent(filter)}`))
      setError('')
    } catch (err) {
      setError(messageOf(err))
    }
  }
  useEffect(() => {
    void load()
    // Live, as an event inspector is: whatever reaches the emulator shows within a few seconds.
    const timer = setInterval(() => void load(), 3000)
    return () => clearInterval(timer)
  }, [activity, filter])

  return html`
    <section id="inspector" aria-labelledby="inspector-title">
      <h2 id="inspector-title">Inspector</h2>
      <p>The last events the built-in emulator received, newest first (${view?.total ?? 0} in all), refreshed every few seconds.</p>
      <div class="row">
        <div class="field">
          <label for="inspector-filter">Filter by TikTok event name</label>
          <input
            id="inspector-filter"
            type="search"
            value=${filter}
            onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="button" onClick=${load}>Refresh</button>
      </div>
      <p role="alert" class=${error ? 'error' : ''}>${error ? `✗ ${error}` : ''}</p>
      <table class="inspector-events">
        <caption>
          Events received
        </caption>
        <thead>
          <tr>
            <th scope="col">TikTok event</th>
            <th scope="col">Event ID</th>
            <th scope="col">Format</th>
            <th scope="col">Pixel</th>
            <th scope="col">Test code</th>
            <th scope="col">Body</th>
          </tr>
        </thead>
        <tbody>
          ${(view?.events ?? []).map(
            (e) =>
              html`<tr>
                <th scope="row">${e.event}</th>
                <td><code>${e.eventId ?? '—'}</code></td>
                <td>${e.format}</td>
                <td><code>${e.pixelCode}</code></td>
                <td>${e.testEventCode ?? '—'}</td>
                <td>
                  <details>
                    <summary>Show</summary>
                    <pre>${pretty(e.body)}</pre>
                  </details>
                </td>
              </tr>`
          )}
        </tbody>
      </table>
      <table class="inspector-requests">
        <caption>
          Requests and answers
        </caption>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">HTTP</th>
            <th scope="col">TikTok code</th>
            <th scope="col">Message</th>
            <th scope="col">Events</th>
          </tr>
        </thead>
        <tbody>
          ${(view?.requests ?? []).map(
            (r) =>
              html`<tr>
                <td><code>${r.path}</code></td>
                <td>${r.status}</td>
                <td>${r.code ?? '—'}</td>
                <td>${r.message ?? '—'}</td>
                <td>${r.events}</td>
              </tr>`
          )}
        </tbody>
      </table>
    </section>
  `
}
