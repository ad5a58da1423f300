import { html } from 'htm/preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { DefinitionView, PresetView, SessionView } from '../api-types'
import { api, messageOf } from './api'

interface Props {
  definition: DefinitionView
  session: SessionView
  onSession: (s: SessionView) => void
}

const KIND_WORDS = { default: 'default', path: 'changed: another path', value: 'changed: fixed value' }

export function Mappings({ definition, session, onSession }: Props) {
  const [selected, setSelected] = useState(() => firstIndex(session.presets, 'purchase'))
  const [chosen, setChosen] = useState(false)
  const [status, setStatus] = useState<{ ok: boolean; message: string }>()
  const preset = session.presets.find((p) => p.index === selected) ?? session.presets[0]

  const toggle = async (p: PresetView, enabled: boolean) => {
    try {
      onSession(await api<SessionView>('PUT', `/api/presets/${p.index}`, { enabled }))
      setStatus({ ok: true, message: `${p.name} is ${enabled ? 'on' : 'off'}.` })
    } catch (err) {
      setStatus({ ok: false, message: messageOf(err) })
    }
  }

  return html`
    <section id="mappings" aria-labelledby="mappings-title">
      <h2 id="mappings-title">Mappings</h2>
      <p>
        Each preset sends one Commanders Act event to TikTok as a TikTok event. A CDP creates them when the destination
        is added; switch one off to stop sending that event.
      </p>
      <table class="presets">
        <caption>
          Presets
        </caption>
        <thead>
          <tr>
            <th scope="col">Commanders Act event</th>
            <th scope="col">TikTok event</th>
            <th scope="col">Source</th>
            <th scope="col">On</th>
            <th scope="col">Mapping</th>
          </tr>
        </thead>
        <tbody>
          ${session.presets.map(
            (p) =>
              html`<tr class=${p.index === preset?.index ? 'selected' : ''}>
                <td><code>${p.commandersAct ?? p.subscribe}</code></td>
                <td>${p.tiktokEvent}</td>
                <td>
                  ${p.sources.map((x) => `${x.source}${x.tiktokEvent === p.tiktokEvent ? '' : ` (${x.tiktokEvent})`}`).join(', ')}
                </td>
                <td>
                  <input
                    type="checkbox"
                    checked=${p.enabled}
                    aria-label=${`Send ${p.name}`}
                    onChange=${(e: Event) => toggle(p, (e.target as HTMLInputElement).checked)}
                  />
                  ${p.enabled ? 'on' : 'off'}
                </td>
                <td>
                  <button type="button" aria-pressed=${p.index === preset?.index} onClick=${() => (setSelected(p.index), setChosen(true))}>
                    Show fields<span class="visually-hidden"> of ${p.name}</span>
                  </button>
                </td>
              </tr>`
          )}
        </tbody>
      </table>
      <p role=${status && !status.ok ? 'alert' : 'status'} class=${status ? (status.ok ? 'ok' : 'error') : ''}>
        ${status ? (status.ok ? '✓ ' : '✗ ') + status.message : ''}
      </p>
      ${preset ? html`<${PresetFields} definition=${definition} preset=${preset} onSession=${onSession} focus=${chosen} />` : null}
    </section>
  `
}

function PresetFields({
  definition,
  preset,
  onSession,
  focus
}: {
  definition: DefinitionView
  preset: PresetView
  onSession: (s: SessionView) => void
  /** Move the focus here when a person chose this preset, so keyboard users land on its fields. */
  focus: boolean
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (focus) heading.current?.focus()
  }, [preset.index, focus])
  const action = definition.actions.find((a) => a.key === preset.action)
  const fields = action?.fields ?? []
  const [field, setField] = useState(fields[0]?.key ?? '')
  const [kind, setKind] = useState<'path' | 'value' | 'default'>('path')
  const [value, setValue] = useState('')
  const [status, setStatus] = useState<{ ok: boolean; message: string }>()

  const apply = async (e: Event) => {
    e.preventDefault()
    try {
      onSession(await api<SessionView>('PUT', `/api/presets/${preset.index}/fields/${field}`, { kind, value }))
      setStatus({ ok: true, message: `${labelOf(field)} of ${preset.name} updated.` })
    } catch (err) {
      setStatus({ ok: false, message: messageOf(err) })
    }
  }
  const labelOf = (key: string) => fields.find((f) => f.key === key)?.label ?? key
  const mappingOf = (key: string) => preset.fields.find((f) => f.key === key)

  return html`
    <div class="preset-fields">
      <h3 tabindex="-1" ref=${heading}>Fields of <q>${preset.name}</q> (${action?.title ?? preset.action})</h3>
      <p class="hint">Subscription: <code>${preset.subscribe}</code></p>
      <form class="mapping-editor" onSubmit=${apply} aria-labelledby="editor-title">
        <h4 id="editor-title">Change a field's mapping</h4>
        <div class="row">
          <div class="field">
            <label for="map-field">Field</label>
            <select
              id="map-field"
              value=${field}
              onChange=${(e: Event) => setField((e.target as HTMLSelectElement).value)}
            >
              ${fields.map((f) => html`<option value=${f.key}>${f.label} (${f.key})</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="map-kind">Map from</label>
            <select
              id="map-kind"
              value=${kind}
              onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value as typeof kind)}
            >
              <option value="path">another path of the event</option>
              <option value="value">a fixed value</option>
              <option value="default">its default</option>
            </select>
          </div>
          <div class="field">
            <label for="map-value">${kind === 'path' ? 'Path (e.g. properties.user.email)' : 'Value'}</label>
            <input
              id="map-value"
              type="text"
              value=${value}
              disabled=${kind === 'default'}
              onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
            />
          </div>
          <button type="submit">Apply</button>
        </div>
        <p role=${status && !status.ok ? 'alert' : 'status'} class=${status ? (status.ok ? 'ok' : 'error') : ''}>
          ${status ? (status.ok ? '✓ ' : '✗ ') + status.message : ''}
        </p>
      </form>
      <table class="fields">
        <caption>
          Fields and their mappings
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Mapped from</th>
            <th scope="col">Default mapping</th>
          </tr>
        </thead>
        <tbody>
          ${fields.map((f) => {
            const m = mappingOf(f.key)
            return html`<tr>
              <th scope="row">
                ${f.label} <code>${f.key}</code>${f.required ? html` <span class="req">(required)</span>` : ''}
                <p class="hint">${f.description}</p>
              </th>
              <td>${f.type}${f.multiple ? ' (list)' : ''}</td>
              <td data-field=${f.key}>
                <code>${m?.mapping ?? '(not mapped)'}</code>
                ${m && m.kind !== 'default' ? html`<span class="badge">${KIND_WORDS[m.kind]}</span>` : ''}
              </td>
              <td><code>${f.defaultMapping ?? '(none)'}</code></td>
            </tr>`
          })}
        </tbody>
      </table>
    </div>
  `
}

function firstIndex(presets: PresetView[], name: string): number {
  return presets.find((p) => p.commandersAct === name)?.index ?? presets[0]?.index ?? 0
}
