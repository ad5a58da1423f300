import type http from 'node:http'

export type BodyResult = { kind: 'ok'; bytes: Buffer } | { kind: 'too_large'; size: number } | { kind: 'aborted' }

/**
 * Reads a request body up to `cap` bytes. Past the cap it still drains the whole body, so the reply arrives after the
 * upload and the connection stays reusable; memory stays flat because chunks past the cap are discarded.
 */
export function readBody(req: http.IncomingMessage, cap: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > cap) chunks.length = 0
      else chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(size > cap ? { kind: 'too_large', size } : { kind: 'ok', bytes: Buffer.concat(chunks, size) })
    )
    req.on('error', () => resolve({ kind: 'aborted' }))
    // 'close' also follows a normal 'end'; the promise is already settled then, so this only catches aborts.
    req.on('close', () => resolve({ kind: 'aborted' }))
  })
}
