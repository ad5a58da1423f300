import type { DestinationDefinition, GlobalSetting, InputField, Preset } from '@segment/actions-core'
import type { ActionView, Choice, FieldView, PresetView, SettingView } from './api-types'
import { presetSources } from './preview'

// The destination's definition as the page shows it: labels, descriptions, choices, defaults, and mappings written
// for people. Generic over the definition, so a new setting, field or preset appears without a change here.

export function describeSettings<S>(definition: DestinationDefinition<S>): SettingView[] {
  const settings: Record<string, GlobalSetting> = definition.authentication?.fields ?? {}
  return Object.entries(settings).map(([key, s]) => ({
    key,
    label: s.label,
    description: s.description,
    type: s.type,
    required: s.required === true,
    secret: s.type === 'password',
    choices: choicesOf(s.choices),
    default: s.default
  }))
}

export async function describeActions<S>(definition: DestinationDefinition<S>): Promise<ActionView[]> {
  return Promise.all(
    Object.entries(definition.actions).map(async ([key, action]) => ({
      key,
      title: action.title,
      description: action.description,
      fields: await Promise.all(
        Object.entries(action.fields as Record<string, InputField>).map(
          async ([fieldKey, field]): Promise<FieldView> => {
            const dynamic = field.dynamic ? action.dynamicFields?.[fieldKey] : undefined
            // Choices offered by the action itself (as a CDP's UI asks for them), when the field has some.
            const offered = dynamic ? await offeredChoices(dynamic as () => Promise<{ choices?: Choice[] }>) : undefined
            return {
              key: fieldKey,
              label: field.label,
              description: field.description,
              type: field.type,
              required: field.required === true,
              multiple: field.multiple === true,
              choices: choicesOf(field.choices) ?? offered,
              defaultMapping: field.default === undefined ? undefined : describeMapping(field.default)
            }
          }
        )
      )
    }))
  )
}

/** The Commanders Act event a preset subscribes to, when its subscription is a plain `event = "name"`. */
export function subscribedEvent(subscribe: string): string | undefined {
  return /^event = "([^"\\]*)"$/.exec(subscribe.trim())?.[1]
}

export function describePreset(
  preset: Preset,
  index: number,
  enabled: boolean,
  mapping: Record<string, unknown>,
  kinds: Record<string, 'path' | 'value'>
): PresetView {
  const subscribe = preset.type === 'automatic' ? preset.subscribe : ''
  const event = mapping.event
  return {
    index,
    name: preset.name ?? subscribe,
    commandersAct: subscribedEvent(subscribe),
    subscribe,
    tiktokEvent: typeof event === 'string' ? event : describeMapping(event),
    sources: presetSources(preset),
    action: preset.partnerAction,
    enabled,
    fields: Object.entries(mapping).map(([key, value]) => ({
      key,
      mapping: describeMapping(value),
      kind: kinds[key] ?? 'default'
    }))
  }
}

/**
 * A mapping as a person reads it: `{ '@path': '$.page.url' }` is `page.url`; a chain of `@if exists` falls back,
 * `properties.user.email, else user.email`; anything else that is not a directive is a fixed value.
 */
export function describeMapping(value: unknown): string {
  if (value === null || typeof value !== 'object') return `fixed: ${JSON.stringify(value)}`
  const directive = value as Record<string, unknown>
  if (typeof directive['@path'] === 'string') return pathForPeople(directive['@path'])
  const cond = directive['@if'] as { exists?: unknown; then?: unknown; else?: unknown } | undefined
  if (cond && cond.exists !== undefined && JSON.stringify(cond.exists) === JSON.stringify(cond.then)) {
    return cond.else === undefined
      ? describeMapping(cond.then)
      : `${describeMapping(cond.then)}, else ${describeMapping(cond.else)}`
  }
  const merge = directive['@merge'] as { objects?: unknown; direction?: unknown } | undefined
  if (merge && Array.isArray(merge.objects)) {
    // The framework merges left to right ("right": the last object wins) or the other way round: first what wins.
    const ordered = merge.direction === 'left' ? merge.objects : [...merge.objects].reverse()
    return ordered.map(describeMapping).join(', else ')
  }
  const arrayPath = directive['@arrayPath']
  if (Array.isArray(arrayPath)) {
    const [source, shape] = arrayPath
    // The framework takes the list's path as a string or as a directive.
    const from = typeof source === 'string' ? pathForPeople(source) : describeMapping(source)
    if (shape === undefined) return `each of ${from}`
    const parts = Object.entries(shape as Record<string, unknown>).map(
      ([key, item]) => `${key} ← ${describeMapping(item)}`
    )
    return `each of ${from}: ${parts.join('; ')}`
  }
  if (!Array.isArray(value) && isShape(directive)) {
    return Object.entries(directive)
      .map(([key, item]) => `${key} ← ${describeMapping(item)}`)
      .join('; ')
  }
  if (Array.isArray(value) || !Object.keys(directive).some((k) => k.startsWith('@'))) {
    return `fixed: ${JSON.stringify(value)}`
  }
  return JSON.stringify(value)
}

/** An object built from the event: every value of it a directive. */
function isShape(value: Record<string, unknown>): boolean {
  const values = Object.values(value)
  return (
    values.length > 0 &&
    values.every(
      (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith('@'))
    )
  )
}

function pathForPeople(path: string): string {
  if (path === '$.') return 'the whole event'
  return path.replace(/^\$\./, '') || path
}

/** Choices a dynamic field offers; none when it needs more than the studio has (a request, an account). */
async function offeredChoices(dynamic: () => Promise<{ choices?: Choice[] }>): Promise<Choice[] | undefined> {
  try {
    return choicesOf((await dynamic())?.choices)
  } catch {
    return undefined
  }
}

function choicesOf(choices: unknown): Choice[] | undefined {
  if (!Array.isArray(choices)) return undefined
  return choices.map((c) =>
    typeof c === 'string' ? { value: c, label: c } : { value: String(c.value), label: String(c.label ?? c.value) }
  )
}
