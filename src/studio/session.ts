import {
  defaultValues,
  fieldsToJsonSchema,
  transform,
  validateSchema,
  type DestinationDefinition,
  type GlobalSetting,
  type InputField,
  type JSONObject,
  type Preset
} from '@segment/actions-core'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import type { SessionView, TargetView } from './api-types'
import { describePreset } from './describe'
import { toSubscriptions, type StudioSubscription } from './replay'

// What a person has configured in this studio: settings, the target, and the presets with their mapping changes.
// Held in memory only, for the life of the process; secrets never leave it.

export class StudioInputError extends Error {}

type Kind = 'path' | 'value'
interface PresetState {
  preset: Preset & { type: 'automatic' }
  enabled: boolean
  mapping: JSONObject
  kinds: Record<string, Kind>
}

export interface FieldChange {
  kind: 'default' | Kind
  value?: unknown
}

// A path a person types: dotted names and [n] indexes, as the framework's `@path` reads them.
const PATH = /^(\$\.)?[A-Za-z0-9_$-]+(\[\d+\]|\.[A-Za-z0-9_$-]+)*$/

export class Session {
  settings: Settings
  target: TargetView['key'] = 'emulator'
  private readonly presets: PresetState[]
  private readonly settingFields: Record<string, GlobalSetting>

  constructor(private readonly definition: DestinationDefinition<Settings>) {
    this.settingFields = definition.authentication?.fields ?? {}
    const defaults: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(this.settingFields)) {
      if (field.default !== undefined) defaults[key] = field.default
    }
    this.settings = defaults as unknown as Settings
    this.presets = (definition.presets ?? []).flatMap((preset) =>
      preset.type === 'automatic'
        ? [{ preset, enabled: true, mapping: { ...((preset.mapping ?? {}) as JSONObject) }, kinds: {} }]
        : []
    )
  }

  view(): SessionView {
    const settings: SessionView['settings'] = {}
    const secretsSet: string[] = []
    for (const [key, value] of Object.entries(this.settings)) {
      if (value === undefined) continue
      if (this.settingFields[key]?.type === 'password') {
        if (value !== '') secretsSet.push(key)
      } else settings[key] = value as string | number | boolean
    }
    return {
      settings,
      secretsSet,
      target: this.target,
      presets: this.presets.map((p, i) => describePreset(p.preset, i, p.enabled, p.mapping, p.kinds))
    }
  }

  /** Secret values that must never appear in anything the studio sends back (the page masks them as ••••). */
  secrets(): string[] {
    return Object.entries(this.settings)
      .filter(([key, value]) => this.settingFields[key]?.type === 'password' && typeof value === 'string' && value)
      .map(([, value]) => value as string)
  }

  /**
   * Replaces the settings with the form's. A secret left out (or empty) keeps its current value, since the page never
   * holds it; every other setting is taken as sent (or its default when empty), checked against its definition.
   */
  updateSettings(input: unknown, target: unknown): void {
    if (target !== 'emulator' && target !== 'tiktok') throw new StudioInputError('target must be emulator or tiktok')
    if (!isObject(input)) throw new StudioInputError('settings must be a JSON object')
    const next: Record<string, unknown> = {}
    for (const key of Object.keys(input)) {
      if (!this.settingFields[key]) throw new StudioInputError(`unknown setting "${key}"`)
    }
    for (const [key, field] of Object.entries(this.settingFields)) {
      let value = input[key]
      if (field.type === 'password' && (value === undefined || value === '')) {
        value = (this.settings as unknown as Record<string, unknown>)[key]
      }
      if (value === '' || value === null) value = undefined
      // As a CDP does: a setting left empty takes its default.
      value ??= field.default
      if (value === undefined) {
        if (field.required) throw new StudioInputError(`${field.label} is required`)
        continue
      }
      next[key] = checkSetting(field, value)
    }
    this.settings = next as unknown as Settings
    this.target = target
  }

  subscriptions(): StudioSubscription[] {
    return toSubscriptions(
      this.presets
        .filter((p) => p.enabled)
        .map((p) => ({
          name: p.preset.name ?? p.preset.subscribe,
          subscribe: p.preset.subscribe,
          partnerAction: p.preset.partnerAction,
          mapping: p.mapping
        }))
    )
  }

  /** The presets switched off, for saying why an event matched none. */
  disabledPresets(): { name: string; subscribe: string }[] {
    return this.presets
      .filter((p) => !p.enabled)
      .map((p) => ({ name: p.preset.name ?? p.preset.subscribe, subscribe: p.preset.subscribe }))
  }

  setEnabled(index: number, enabled: unknown): void {
    if (typeof enabled !== 'boolean') throw new StudioInputError('enabled must be true or false')
    this.presetAt(index).enabled = enabled
  }

  /** Maps a field to another path, a fixed value, or back to its default; checked as the framework would. */
  setField(index: number, key: string, change: FieldChange): void {
    const state = this.presetAt(index)
    const fields = (this.definition.actions[state.preset.partnerAction]?.fields ?? {}) as Record<string, InputField>
    const field = fields[key]
    if (!field) throw new StudioInputError(`"${key}" is not a field of ${state.preset.partnerAction}`)
    let directive: unknown
    if (change.kind === 'default') {
      directive = (defaultValues({ [key]: field }) as Record<string, unknown>)[key]
    } else if (change.kind === 'path') {
      const path = typeof change.value === 'string' ? change.value.trim() : ''
      if (!PATH.test(path)) {
        throw new StudioInputError(
          `${field.label}: "${path}" is not a path to a value of the event (e.g. properties.user.email)`
        )
      }
      directive = { '@path': path.startsWith('$.') ? path : `$.${path}` }
    } else if (change.kind === 'value') {
      directive = fixedValue(field, change.value)
      try {
        validateSchema({ [key]: directive }, fieldsToJsonSchema({ [key]: field }), { throwIfInvalid: true })
      } catch (err) {
        throw new StudioInputError(`${field.label}: ${(err as Error).message}`)
      }
    } else {
      throw new StudioInputError('kind must be default, path or value')
    }
    const mapping = { ...state.mapping }
    if (directive === undefined) delete mapping[key]
    else mapping[key] = directive as JSONObject[string]
    try {
      // The framework validates a mapping before resolving it: a bad directive fails here whatever the event.
      transform(mapping, {})
    } catch (err) {
      throw new StudioInputError(`${field.label}: ${(err as Error).message}`)
    }
    state.mapping = mapping
    if (change.kind === 'default') delete state.kinds[key]
    else state.kinds[key] = change.kind
  }

  private presetAt(index: number): PresetState {
    const state = Number.isInteger(index) ? this.presets[index] : undefined
    if (!state) throw new StudioInputError(`there is no preset ${index}`)
    return state
  }
}

/** A fixed value typed by the page, as the field's type reads it. */
function fixedValue(field: InputField, value: unknown): unknown {
  if (typeof value !== 'string') return value
  const text = value.trim()
  switch (field.type) {
    case 'number':
    case 'integer': {
      const n = Number(text)
      if (text === '' || !Number.isFinite(n)) throw new StudioInputError(`${field.label}: "${text}" is not a number`)
      return n
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new StudioInputError(`${field.label}: type true or false`)
      return text === 'true'
    case 'object':
      try {
        return JSON.parse(text)
      } catch {
        throw new StudioInputError(`${field.label}: a fixed value of this field is JSON (an object)`)
      }
    default:
      return value
  }
}

function checkSetting(field: GlobalSetting, value: unknown): unknown {
  const expected = field.type === 'number' ? 'number' : field.type === 'boolean' ? 'boolean' : 'string'
  if (typeof value !== expected) throw new StudioInputError(`${field.label} must be a ${expected}`)
  if (field.choices && !field.choices.some((c) => (typeof c === 'string' ? c : c.value) === value)) {
    throw new StudioInputError(`${field.label} must be one of the offered choices`)
  }
  return value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
