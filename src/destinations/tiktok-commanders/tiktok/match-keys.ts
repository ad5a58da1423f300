import type { TikTokEvent } from './event-model'

// What TikTok can match an event on decides whether it can attribute it: an event with none of these is counted,
// never attributed.

export const MATCH_KEYS = [
  'email',
  'phone',
  'external_id',
  'ttp',
  'ttclid',
  'ip_user_agent',
  'device_id',
  'lead_id'
] as const
export type MatchKey = (typeof MATCH_KEYS)[number]

/** The match keys a built event carries, in MATCH_KEYS order. Pure: reads the event, nothing else. */
export function matchKeys(event: TikTokEvent): MatchKey[] {
  const keys: MatchKey[] = []
  if (event.user.email?.length) keys.push('email')
  if (event.user.phone?.length) keys.push('phone')
  if (event.user.externalId?.length) keys.push('external_id')
  if (event.source === 'web' && event.ttp) keys.push('ttp')
  if (event.source === 'web' && event.ttclid) keys.push('ttclid')
  // TikTok matches on the pair: either alone is too weak to name a person.
  if (event.ip && event.userAgent) keys.push('ip_user_agent')
  if (event.source === 'app' && (event.device.idfa || event.device.gaid || event.device.idfv)) keys.push('device_id')
  if (event.source === 'crm') keys.push('lead_id')
  return keys
}
