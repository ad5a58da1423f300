/**
 * Drops undefined values, and objects or arrays left empty by that, so a body never carries '', null, {} or []
 * placeholders (TikTok reads an empty field as a wrong one). The builder already turns '' and null into undefined.
 */
export function prune<T extends object>(value: T): T {
  return (pruneValue(value) ?? {}) as T
}

function pruneValue(value: unknown): unknown {
  if (value === undefined) return undefined
  if (Array.isArray(value)) {
    const items = value.map(pruneValue).filter((v) => v !== undefined)
    return items.length ? items : undefined
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined
    for (const [key, v] of Object.entries(value)) {
      const pruned = pruneValue(v)
      if (pruned !== undefined) (out ??= {})[key] = pruned
    }
    return out
  }
  return value
}
