import { readFileSync, rmSync, writeFileSync } from 'fs'
import nock from 'nock'
import path from 'path'

// The README's embedding snippet, run as written (a CommonJS project: no top-level await), against TikTok mocked.

const root = path.resolve(__dirname, '..')

afterEach(() => nock.cleanAll())
afterAll(() => nock.restore())

it('the embedding snippet of the README runs as written and sends the event', async () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### In a CDP or an embedding program'))
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  expect(snippet).toContain('async function main()')
  const scope = nock('https://business-api.tiktok.com')
    .post('/open_api/v1.3/pixel/track/')
    .reply(200, { code: 0, message: 'OK', request_id: 'readme', data: {} })
  const file = path.join(root, `readme-snippet-${process.pid}.ts`)
  writeFileSync(file, snippet)
  const log = jest.spyOn(console, 'log').mockImplementation(() => {})
  const previous = { token: process.env.TIKTOK_ACCESS_TOKEN, pixel: process.env.TIKTOK_PIXEL_CODE }
  process.env.TIKTOK_ACCESS_TOKEN = 'readme-token'
  process.env.TIKTOK_PIXEL_CODE = 'CREADMEPIXEL0001'
  try {
    await jest.isolateModulesAsync(async () => {
      await import(file)
    })
    for (let i = 0; i < 100 && !log.mock.calls.length; i++) await new Promise((r) => setTimeout(r, 20))
    expect(scope.isDone()).toBe(true)
    expect(log).toHaveBeenCalled()
  } finally {
    log.mockRestore()
    rmSync(file, { force: true })
    for (const [key, value] of [
      ['TIKTOK_ACCESS_TOKEN', previous.token],
      ['TIKTOK_PIXEL_CODE', previous.pixel]
    ] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
})
