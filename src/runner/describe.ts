import type { JSONObject } from '@segment/actions-core'

// What the summary says about a sent event beyond its outcome: its source and the match keys it carries. One place,
// so that the destination's own event model can take over from reading the wire body.

export const SOURCES = ['web', 'app', 'offline', 'crm'] as const
export type Source = (typeof SOURCES)[number]

export const MATCH_KEYS = ['email', 'phone', 'external_id', 'ttp', 'ttclid', 'ip', 'user_agent'] as const
export type MatchKey = (typeof MATCH_KEYS)[number]

export interface Description {
  source: Source
  matchKeys: MatchKey[]
}

/** Reads a sent body in either wire format: pixel (`context.user`, `context.ad`) or Events API 2.0 (`user`). */
export function describeSent(body: JSONObject | undefined): Description {
  const context = (body?.context ?? {}) as Record<string, Record<string, unknown> | unknown>
  const user = ((context as JSONObject).user ?? body?.user ?? {}) as Record<string, unknown>
  const ad = ((context as JSONObject).ad ?? {}) as Record<string, unknown>
  const keys: MatchKey[] = []
  if (user.email) keys.push('email')
  if (user.phone_number ?? user.phone) keys.push('phone')
  if (user.external_id) keys.push('external_id')
  if (user.ttp) keys.push('ttp')
  if (ad.callback ?? user.ttclid) keys.push('ttclid')
  if ((context as JSONObject).ip ?? user.ip) keys.push('ip')
  if ((context as JSONObject).user_agent ?? user.user_agent) keys.push('user_agent')
  return { source: 'web', matchKeys: keys }
}
