// The JSON the studio's API returns, shared by the server and the page (type-only: the page imports nothing else).

/** An event source a preset sends from (web, app, offline, crm) and the TikTok event name it takes there. */
export interface PresetSource {
  source: string
  tiktokEvent: string
}

export interface Choice {
  value: string
  label: string
}

export interface SettingView {
  key: string
  label: string
  description?: string
  type: string
  required: boolean
  /** A password field: its value is never sent back to the page. */
  secret: boolean
  choices?: Choice[]
  default?: string | number | boolean
}

export interface FieldView {
  key: string
  label: string
  description?: string
  type: string
  required: boolean
  multiple: boolean
  choices?: Choice[]
  /** The default mapping, written for people, e.g. `properties.user.email, else user.email`. */
  defaultMapping?: string
}

export interface ActionView {
  key: string
  title: string
  description?: string
  fields: FieldView[]
}

export interface TargetView {
  key: 'emulator' | 'tiktok'
  label: string
  url: string
  /** What this target needs, in words (e.g. the emulator's token and pixel). */
  hint: string
}

export interface DefinitionView {
  name: string
  description?: string
  settings: SettingView[]
  actions: ActionView[]
  targets: TargetView[]
  matchKeys: string[]
}

export interface FieldMappingView {
  key: string
  /** The mapping in force, written for people. */
  mapping: string
  /** How it is set: the field's default, another path, or a fixed value. */
  kind: 'default' | 'path' | 'value'
}

export interface PresetView {
  index: number
  name: string
  /** The Commanders Act event the preset subscribes to, when its subscription names one. */
  commandersAct?: string
  subscribe: string
  tiktokEvent: string
  sources: PresetSource[]
  action: string
  enabled: boolean
  fields: FieldMappingView[]
}

export interface SessionView {
  /** The settings in force, secrets left out. */
  settings: Record<string, string | number | boolean>
  /** Which secret settings hold a value (the value itself never leaves the server). */
  secretsSet: string[]
  target: TargetView['key']
  presets: PresetView[]
}

export interface SampleView {
  id: string
  label: string
  event: Record<string, unknown>
}

export interface ApiError {
  error: string
}

export interface ConnectionView {
  ok: boolean
  message: string
}

export type StepStatus = 'ok' | 'failed' | 'skipped'

export interface Explanation {
  route: { status: StepStatus; message: string; preset?: string; subscribe?: string; tiktokEvent?: string }
  payload?: Record<string, unknown>
  validation: { status: StepStatus; message: string }
  /** The event as the destination built it: the source it goes out from, its TikTok name there, and where it is filed. */
  built?: { source: string; event: string; sourceId: string }
  request?: { method: 'POST'; url: string; headers: Record<string, string>; body: Record<string, unknown> }
  matchKeys?: string[]
  answer?: AnswerView
}

export interface AnswerView {
  verdict: 'delivered' | 'retry' | 'refused'
  /** What the answer means, in words. */
  message: string
  status?: number
  /** TikTok's (or the emulator's) reply body, when it sent one. */
  reply?: unknown
}

export interface ReplayRow {
  tiktokEvent: string
  sent: number
  delivered: number
  refused: number
  reasons: { reason: string; count: number }[]
}

export interface ReplayView {
  id: string
  total: number
  done: number
  finished: boolean
  error?: string
  summary?: {
    total: number
    delivered: number
    refused: number
    requests: number
    rows: ReplayRow[]
    /** Of the events that could be mapped, how many carry each match key. */
    coverage: { mapped: number; keys: { key: string; events: number }[] }
  }
}

export interface InspectorView {
  requests: { path: string; status: number; code?: number; message?: string; events: number }[]
  events: {
    event: string
    eventId?: string
    format: string
    pixelCode: string
    testEventCode?: string
    body: unknown
  }[]
  total: number
}
