import type { Preset } from '@segment/actions-core'
import { PRESET_TABLE } from '../destinations/tiktok-commanders/presets'
import type { PresetSource } from './api-types'

// The one place the studio asks the destination what an event becomes: the destination's own preview (the same
// mapping, validation and builder as a send) and its match keys. Nothing here decides anything.

export { previewEvent, type Preview } from '../destinations/tiktok-commanders/preview'
export { MATCH_KEYS, matchKeys, type MatchKey } from '../destinations/tiktok-commanders/tiktok/match-keys'

/** The sources a preset's event goes out from, with the TikTok name it takes on each, as the presets table says. */
export function presetSources(preset: Preset): PresetSource[] {
  const row = PRESET_TABLE.find(
    (r) => preset.type === 'automatic' && preset.subscribe === `event = "${r.commandersAct}"`
  )
  return Object.entries(row?.sources ?? {}).map(([source, tiktokEvent]) => ({
    source,
    tiktokEvent: String(tiktokEvent)
  }))
}
