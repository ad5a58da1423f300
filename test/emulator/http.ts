import { DEFAULT_ACCESS_TOKEN, type Emulator } from '../../src/emulator'

export interface Reply {
  status: number
  contentType: string | null
  text: string
  /** The parsed body, or undefined when it is not JSON. */
  json?: { code: number; message: string; request_id: string; data: unknown }
}

/** POSTs `body` (serialised unless already a string) over real HTTP with Node's fetch. */
export async function post(
  emulator: Emulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'access-token': DEFAULT_ACCESS_TOKEN }
): Promise<Reply> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body)
  })
  const text = await response.text()
  let json: Reply['json']
  try {
    json = JSON.parse(text) as Reply['json']
  } catch {
    json = undefined
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json }
}
