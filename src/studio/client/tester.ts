import { html } from 'htm/preact'
import { useState } from 'preact/hooks'
import type { Explanation, SampleView, StepStatus } from '../api-types'
import { api, messageOf, pretty } from './api'

const STATUS_WORDS: Record<StepStatus, string> = { ok: '✓ OK', failed: '✗ Failed', skipped: '– Not reached' }
const VERDICT_WORDS = { delivered: '✓ Delivered', retry: '↻ Will be retried', refused: '✗ Refused' }

export function Tester({ samples, onSent }: { samples: SampleView[]; onSent: () => void }) {
  const [sample, setSample] = useState('')
  const [text, setText] = useState('')
  const [result, setResult] = useState<Explanation>()
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [sent, setSent] = useState(false)

  const pick = (id: string) => {
    setSample(id)
    const chosen = samples.find((s) => s.id === id)
    if (chosen) setText(pretty(chosen.event))
  }
  const run = async (path: '/api/test' | '/api/send') => {
    setError('')
    let event: unknown
    try {
      event = JSON.parse(text)
    } catch (err) {
      setResult(undefined)
      setError(`The event is not valid JSON: ${messageOf(err)}`)
      return
    }
    setBusy(true)
    try {
      setResult(await api<Explanation>('POST', path, { event }))
      setSent(path === '/api/send')
      if (path === '/api/send') onSent()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return html`
    <section id="tester" aria-labelledby="tester-title">
      <h2 id="tester-title">Test an event</h2>
      <div class="field">
        <label for="sample">Bundled sample</label>
        <select id="sample" value=${sample} onChange=${(e: Event) => pick((e.target as HTMLSelectElement).value)}>
          <option value="">(choose a sample, or paste an event below)</option>
          ${samples.map((s) => html`<option value=${s.id}>${s.label}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="event-json">Commanders Act event (JSON)</label>
        <textarea
          id="event-json"
          rows="10"
          spellcheck="false"
          value=${text}
          onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </div>
      <div class="actions">
        <button type="button" disabled=${busy} onClick=${() => run('/api/test')}>Test</button>
        <button type="button" disabled=${busy} onClick=${() => run('/api/send')}>Send</button>
      </div>
      <p role="alert" class=${error ? 'error' : ''}>${error ? `✗ ${error}` : ''}</p>
      ${result ? html`<${Steps} result=${result} sent=${sent} />` : null}
    </section>
  `
}

function Steps({ result, sent }: { result: Explanation; sent: boolean }) {
  const { route, payload, validation, request, matchKeys, answer } = result
  return html`
    <ol class="steps" aria-live="polite" aria-label="The event's journey to TikTok">
      <li class=${`step ${route.status}`}>
        <h3>1. Subscription <span class="status">${STATUS_WORDS[route.status]}</span></h3>
        <p>${route.message}</p>
        ${route.tiktokEvent ? html`<p>TikTok event: <strong>${route.tiktokEvent}</strong></p>` : null}
      </li>
      <li class=${`step ${payload ? 'ok' : 'skipped'}`}>
        <h3>2. Mapped payload <span class="status">${STATUS_WORDS[payload ? 'ok' : 'skipped']}</span></h3>
        ${payload ? html`<p class="hint">What the mapping read from the event, before the destination hashes anything.</p>` : null}
        ${payload ? html`<pre class="payload">${pretty(payload)}</pre>` : html`<p>Not reached.</p>`}
      </li>
      <li class=${`step ${validation.status}`}>
        <h3>3. Validation <span class="status">${STATUS_WORDS[validation.status]}</span></h3>
        <p role=${validation.status === 'failed' ? 'alert' : undefined}>${validation.message}</p>
      </li>
      <li class=${`step ${request ? 'ok' : 'skipped'}`}>
        <h3>4. TikTok request <span class="status">${STATUS_WORDS[request ? 'ok' : 'skipped']}</span></h3>
        ${
          request
            ? html`<p><code class="request-line">${request.method} ${request.url}</code></p>
                <table class="headers">
                  <caption>
                    Headers
                  </caption>
                  <tbody>
                    ${Object.entries(request.headers).map(
                      ([k, v]) =>
                        html`<tr>
                          <th scope="row">${k}</th>
                          <td><code>${v}</code></td>
                        </tr>`
                    )}
                  </tbody>
                </table>
                <p class="hint">
                  Personal data (email, phone, external id) is SHA-256 hashed by the destination before it is sent.
                </p>
                <pre class="request-body">${pretty(request.body)}</pre>`
            : html`<p>Not reached.</p>`
        }
      </li>
      <li class=${`step ${matchKeys ? 'ok' : 'skipped'}`}>
        <h3>5. Match keys <span class="status">${STATUS_WORDS[matchKeys ? 'ok' : 'skipped']}</span></h3>
        ${
          matchKeys
            ? matchKeys.length
              ? html`<p>TikTok can match this event to a user with:</p>
                  <ul class="keys">
                    ${matchKeys.map((k) => html`<li>${k}</li>`)}
                  </ul>`
              : html`<p role="alert">No match key: TikTok cannot attribute this event to anyone.</p>`
            : html`<p>Not reached.</p>`
        }
      </li>
      <li class=${`step ${answer ? (answer.verdict === 'delivered' ? 'ok' : 'failed') : 'skipped'}`}>
        <h3>6. TikTok's answer <span class="status">${answer ? VERDICT_WORDS[answer.verdict] : '– Not sent'}</span></h3>
        ${
          answer
            ? html`<p class="answer">${answer.message}</p>
                ${answer.status !== undefined ? html`<p>HTTP ${answer.status}</p>` : null}
                ${answer.reply !== undefined ? html`<pre>${pretty(answer.reply)}</pre>` : null}`
            : html`<p>${sent ? 'Not sent: the event stopped at an earlier step.' : 'Press Send to deliver it.'}</p>`
        }
      </li>
    </ol>
  `
}
