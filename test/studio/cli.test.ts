import { spawn } from 'node:child_process'
import path from 'node:path'

// `tiktok-commanders studio` as a newcomer runs it: it prints the URL, serves the page, and stops cleanly.

it('studio: starts on 127.0.0.1 with the emulator beside it, prints the URL, stops on SIGTERM', async () => {
  const cli = path.resolve(__dirname, '../../bin/tiktok-commanders.js')
  const child = spawn('node', [cli, 'studio', '--port', '0'])
  try {
    let out = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const found = /^Studio: (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(out)
        if (found && /Ctrl-C stops both/.test(out)) resolve(found[1])
      })
      child.on('exit', (code) => reject(new Error(`studio exited with ${code}: ${out}`)))
    })
    expect(out).toMatch(/TikTok emulator beside it at http:\/\/127\.0\.0\.1:\d+ \(token emulator-token/)
    const page = await fetch(`${url}/`)
    expect(await page.text()).toContain('<div id="app">')
    const definition = (await (await fetch(`${url}/api/definition`)).json()) as { targets: { url: string }[] }
    expect(definition.targets[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    // Configured for the emulator from the start: a newcomer can test and send at once.
    const session = (await (await fetch(`${url}/api/session`)).json()) as { secretsSet: string[]; target: string }
    expect(session).toMatchObject({ secretsSet: ['accessToken'], target: 'emulator' })
    const connection = await fetch(`${url}/api/settings/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}'
    })
    expect(await connection.json()).toMatchObject({ ok: true })
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }
})
