/**
 * The object without its undefined values, or undefined when nothing is left: applied level by level as a body is
 * built, so a body never carries '', null, {} or [] placeholders (TikTok reads an empty field as a wrong one). The
 * builder already turns '', null and [] into undefined.
 */
export function compact<T extends object>(value: T): T | undefined {
  const out: Record<string, unknown> = {}
  let empty = true
  for (const key in value) {
    const v = value[key]
    if (v !== undefined) {
      out[key] = v
      empty = false
    }
  }
  return empty ? undefined : (out as T)
}
