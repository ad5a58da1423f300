/**
 * The latest `capacity` distinct numeric keys, oldest forgotten first. A ring remembers the order, so forgetting the
 * oldest costs the same on the millionth key as on the first. (Asking a full Set for its oldest value, as this once
 * did, walks past every slot the earlier deletions left empty: each eviction cost more than the one before, and a
 * replay of more than a million events slowed to a third of its rate.)
 */
export class RecentKeys {
  private readonly keys = new Set<number>()
  private readonly ring: Float64Array
  private next = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('capacity: a whole number of 0 or more')
    this.ring = new Float64Array(capacity)
  }

  has(key: number): boolean {
    return this.keys.has(key)
  }

  /** Remembers the key (a key already remembered keeps its place); forgets the oldest when full. */
  add(key: number): void {
    // A window of 0 remembers nothing: every key is new.
    if (this.capacity === 0 || this.keys.has(key)) return
    if (this.keys.size === this.capacity) this.keys.delete(this.ring[this.next])
    this.keys.add(key)
    this.ring[this.next] = key
    this.next = (this.next + 1) % this.capacity
  }

  get size(): number {
    return this.keys.size
  }

  clear(): void {
    this.keys.clear()
    this.next = 0
  }
}
