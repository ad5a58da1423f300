import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'fs'

// What has been settled, durably, so that `send --resume` sends only the rest. Events are named by their position in
// the input. The journal keeps a watermark (every position below it is settled) plus the few settled positions above
// it (settling runs out of order only within the in-flight window), so its size does not grow with the input.
//
// On disk: a header line, a checkpoint line, then one line of positions per settled request, appended with write(2)
// as they settle (a killed process loses none of them). Every `checkpointMs` the file is rewritten as header +
// checkpoint and fsync'd (a crash of the machine loses at most that interval).

interface Header {
  journal: 1
  input: string
  bytes?: number
}

interface Checkpoint {
  upTo: number
  also: number[]
  complete?: boolean
}

export class Journal {
  private upTo = 0
  private readonly above = new Set<number>()
  private fd: number
  private lastCheckpoint = Date.now()
  complete = false

  private constructor(
    private readonly file: string,
    private readonly header: Header,
    private readonly checkpointMs: number,
    private readonly beforeCheckpoint: () => void
  ) {
    this.fd = -1
  }

  /**
   * A new journal, or (resume) the one a previous run left for the same input. `beforeCheckpoint` makes what the
   * journal is about to claim durable elsewhere first (the failed-events file).
   */
  static open(
    file: string,
    input: { name: string; bytes?: number },
    options: { resume: boolean; checkpointMs?: number; beforeCheckpoint?: () => void }
  ): Journal {
    const header: Header = { journal: 1, input: input.name, bytes: input.bytes }
    const journal = new Journal(file, header, options.checkpointMs ?? 1000, options.beforeCheckpoint ?? (() => {}))
    if (options.resume) {
      if (!existsSync(file)) throw new Error(`--resume: there is no journal ${file} to resume from`)
      journal.load(readFileSync(file, 'utf8'))
    }
    journal.checkpoint()
    return journal
  }

  private load(text: string): void {
    const lines = text.split('\n').filter((l) => l.trim())
    let header: Header
    try {
      header = JSON.parse(lines[0]) as Header
    } catch {
      throw new Error(`--resume: ${this.file} is not a journal written by send`)
    }
    if (header.journal !== 1) throw new Error(`--resume: ${this.file} is not a journal written by send`)
    if (header.input !== this.header.input || header.bytes !== this.header.bytes) {
      throw new Error(
        `--resume: ${this.file} is the journal of another input (${header.input}, ${header.bytes ?? '?'} bytes); ` +
          `this one is ${this.header.input} (${this.header.bytes ?? '?'} bytes)`
      )
    }
    for (const line of lines.slice(1)) {
      // The last line may be cut short by a crash: what it names was never claimed, and is sent again.
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        continue
      }
      if (Array.isArray(value)) for (const i of value) this.mark(i as number)
      else {
        const c = value as Checkpoint
        for (let i = this.upTo; i < c.upTo; i++) this.mark(i)
        for (const i of c.also) this.mark(i)
        if (c.complete) this.complete = true
      }
    }
  }

  isSettled(index: number): boolean {
    return this.complete || index < this.upTo || this.above.has(index)
  }

  /** Positions a previous run settled and this one skipped: known already, nothing to write. */
  skipped(index: number): void {
    this.mark(index)
  }

  settled(indices: number[]): void {
    if (!indices.length) return
    for (const i of indices) this.mark(i)
    writeSync(this.fd, `${JSON.stringify(indices)}\n`)
    if (Date.now() - this.lastCheckpoint >= this.checkpointMs) this.checkpoint()
  }

  /** Everything was read and settled: a later --resume has nothing to send. */
  finish(complete: boolean): void {
    this.complete = complete
    this.checkpoint()
    closeSync(this.fd)
    this.fd = -1
  }

  private mark(index: number): void {
    if (index < this.upTo) return
    if (index !== this.upTo) {
      this.above.add(index)
      return
    }
    this.upTo++
    while (this.above.delete(this.upTo)) this.upTo++
  }

  private checkpoint(): void {
    this.beforeCheckpoint()
    const checkpoint: Checkpoint = { upTo: this.upTo, also: [...this.above] }
    if (this.complete) checkpoint.complete = true
    const temp = `${this.file}.tmp`
    const fd = openSync(temp, 'w', 0o600)
    writeSync(fd, `${JSON.stringify(this.header)}\n${JSON.stringify(checkpoint)}\n`)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(temp, this.file)
    if (this.fd >= 0) closeSync(this.fd)
    this.fd = openSync(this.file, 'a')
    this.lastCheckpoint = Date.now()
  }
}
