// TikTok's click id and browser id reach us three ways: set by the tag as partners.tiktok.*, as cookies in the raw
// Cookie header the Commanders Act tag collected, or (ttclid only) still in the landing page URL.

/** The value of one cookie in a raw `Cookie` header string (`a=1; _ttp=xyz`), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  // Most headers lack the cookie asked for: no need to cut them up to find that out.
  if (!header || !header.includes(name)) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue
    const value = safeDecode(part.slice(eq + 1).trim())
    if (value) return value
  }
  return undefined
}

/** The `ttclid` query parameter of a URL; tolerant of relative or malformed URLs, which sites do send. */
export function ttclidFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  const query = url.indexOf('?')
  if (query === -1) return undefined
  const hash = url.indexOf('#', query)
  const search = url.slice(query + 1, hash === -1 ? undefined : hash)
  // Parsed only when it may hold one: the name as is, or percent-encoded.
  if (!search.includes('ttclid') && !search.includes('%')) return undefined
  return new URLSearchParams(search).get('ttclid') || undefined
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
