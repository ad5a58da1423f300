import type { ApiError } from '../api-types'

// The page's only way to the server: JSON in, JSON out, and an error in words when the server refused.

export class ApiFailure extends Error {}

export async function api<T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
  const init: RequestInit = { method, headers: {} }
  if (body !== undefined) {
    init.headers = { 'content-type': type }
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
  }
  const response = await fetch(path, init)
  const data = (await response.json().catch(() => ({ error: `The studio answered HTTP ${response.status}.` }))) as
    T | ApiError
  if (!response.ok) throw new ApiFailure((data as ApiError).error ?? `HTTP ${response.status}`)
  return data as T
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err))

export const pretty = (value: unknown) => JSON.stringify(value, null, 2)
