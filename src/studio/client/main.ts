import { html, render } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import type { DefinitionView, SampleView, SessionView } from '../api-types'
import { api, messageOf } from './api'
import { Inspector } from './inspector'
import { Mappings } from './mappings'
import { Replay } from './replay'
import { SettingsForm } from './settings'
import { Tester } from './tester'

function App() {
  const [definition, setDefinition] = useState<DefinitionView>()
  const [session, setSession] = useState<SessionView>()
  const [samples, setSamples] = useState<SampleView[]>([])
  const [error, setError] = useState('')
  // Bumped after anything that may have reached the emulator, so the inspector refreshes.
  const [activity, setActivity] = useState(0)
  const touched = () => setActivity((n) => n + 1)

  useEffect(() => {
    Promise.all([
      api<DefinitionView>('GET', '/api/definition'),
      api<SessionView>('GET', '/api/session'),
      api<SampleView[]>('GET', '/api/samples')
    ]).then(
      ([d, s, samples]) => {
        setDefinition(d)
        setSession(s)
        setSamples(samples)
      },
      (err) => setError(`The studio could not load: ${messageOf(err)}`)
    )
  }, [])

  if (error) return html`<p role="alert" class="error">${error}</p>`
  if (!definition || !session) return html`<p>Loading the studio…</p>`
  const target = definition.targets.find((t) => t.key === session.target)
  return html`
    <header>
      <h1>${definition.name} <span class="sub">studio</span></h1>
      <p>${definition.description}</p>
      <p class="target">Sending to: <strong>${target?.label}</strong> (<code>${target?.url}</code>)</p>
      <nav aria-label="Sections">
        <a href="#settings">Settings</a> <a href="#mappings">Mappings</a> <a href="#tester">Test an event</a>
        <a href="#replay">Replay a file</a> <a href="#inspector">Inspector</a>
      </nav>
    </header>
    <main>
      <${SettingsForm} definition=${definition} session=${session} onSession=${setSession} />
      <${Mappings} definition=${definition} session=${session} onSession=${setSession} />
      <${Tester} samples=${samples} onSent=${touched} />
      <${Replay} onDone=${touched} />
      ${session.target === 'emulator' ? html`<${Inspector} activity=${activity} />` : null}
    </main>
  `
}

render(html`<${App} />`, document.getElementById('app') as HTMLElement)
