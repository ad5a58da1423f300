import { html } from 'htm/preact'
import { useState } from 'preact/hooks'
import type { ConnectionView, DefinitionView, SessionView, SettingView } from '../api-types'
import { api, messageOf } from './api'

type Values = Record<string, string | number | boolean>

interface Props {
  definition: DefinitionView
  session: SessionView
  onSession: (s: SessionView) => void
}

export function SettingsForm({ definition, session, onSession }: Props) {
  const [values, setValues] = useState<Values>(() => initialValues(definition.settings, session))
  const [target, setTarget] = useState(session.target)
  const [status, setStatus] = useState<{ ok: boolean; message: string }>()
  const [busy, setBusy] = useState(false)

  const set = (key: string, value: string | boolean) => setValues({ ...values, [key]: value })
  const save = async (): Promise<SessionView> => {
    const typed: Values = {}
    for (const s of definition.settings) {
      const v = values[s.key]
      typed[s.key] = s.type === 'number' && typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    }
    const next = await api<SessionView>('PUT', '/api/settings', { settings: typed, target })
    onSession(next)
    // The page never holds a secret longer than the form does.
    const cleared = { ...values }
    for (const s of definition.settings) if (s.secret) cleared[s.key] = ''
    setValues(cleared)
    return next
  }
  const run = async (work: () => Promise<{ ok: boolean; message: string }>) => {
    setBusy(true)
    setStatus(undefined)
    try {
      setStatus(await work())
    } catch (err) {
      setStatus({ ok: false, message: messageOf(err) })
    } finally {
      setBusy(false)
    }
  }
  const onSubmit = (e: Event) => {
    e.preventDefault()
    void run(async () => (await save(), { ok: true, message: 'Settings saved.' }))
  }
  const testConnection = () =>
    run(async () => {
      await save()
      return api<ConnectionView>('POST', '/api/settings/test', {})
    })
  const chosen = definition.targets.find((t) => t.key === target)

  return html`
    <section id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form onSubmit=${onSubmit}>
        <div class="field">
          <label for="target">Send to</label>
          <select
            id="target"
            aria-describedby="target-hint"
            value=${target}
            onChange=${(e: Event) => setTarget((e.target as HTMLSelectElement).value as SessionView['target'])}
          >
            ${definition.targets.map((t) => html`<option value=${t.key}>${t.label}</option>`)}
          </select>
          <p id="target-hint" class="hint">${chosen?.hint}</p>
        </div>
        ${definition.settings.map((s) => settingInput(s, values[s.key], session.secretsSet.includes(s.key), set))}
        <div class="actions">
          <button type="submit" disabled=${busy}>Save settings</button>
          <button type="button" disabled=${busy} onClick=${testConnection}>Test connection</button>
        </div>
        <p role=${status && !status.ok ? 'alert' : 'status'} class=${status ? (status.ok ? 'ok' : 'error') : ''}>
          ${status ? (status.ok ? '✓ ' : '✗ ') + status.message : ''}
        </p>
      </form>
    </section>
  `
}

function settingInput(
  s: SettingView,
  value: string | number | boolean | undefined,
  secretSet: boolean,
  set: (key: string, value: string | boolean) => void
) {
  const id = `setting-${s.key}`
  const hint = s.description ? `${id}-hint` : undefined
  const label = html`<label for=${id}>${s.label}${s.required ? html` <span class="req">(required)</span>` : ''}</label>`
  const describe = hint ? html`<p id=${hint} class="hint">${s.description}</p>` : null
  const onInput = (e: Event) => set(s.key, (e.target as HTMLInputElement).value)
  if (s.type === 'boolean') {
    return html`<div class="field check">
      <input
        id=${id}
        type="checkbox"
        aria-describedby=${hint}
        checked=${value === true}
        onChange=${(e: Event) => set(s.key, (e.target as HTMLInputElement).checked)}
      />
      ${label} ${describe}
    </div>`
  }
  const control = s.choices
    ? html`<select
        id=${id}
        aria-describedby=${hint}
        required=${s.required}
        value=${String(value ?? '')}
        onChange=${onInput}
      >
        ${s.required ? null : html`<option value="">(none)</option>`}
        ${s.choices.map((c) => html`<option value=${c.value}>${c.label}</option>`)}
      </select>`
    : html`<input
        id=${id}
        type=${s.secret ? 'password' : s.type === 'number' ? 'number' : 'text'}
        aria-describedby=${hint}
        autocomplete=${s.secret ? 'off' : undefined}
        value=${String(value ?? '')}
        required=${s.required && !(s.secret && secretSet)}
        placeholder=${s.secret && secretSet ? '•••• (set; type to replace)' : ''}
        onInput=${onInput}
      />`
  return html`<div class="field">${label} ${control} ${describe}</div>`
}

function initialValues(settings: SettingView[], session: SessionView): Values {
  const values: Values = {}
  for (const s of settings) {
    const current = session.settings[s.key] ?? s.default
    values[s.key] = s.secret ? '' : (current ?? '')
  }
  return values
}
