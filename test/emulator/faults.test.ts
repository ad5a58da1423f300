import { PATHS } from '../../src/destinations/tiktok-commanders/tiktok/constants'
import { FAULTS, startEmulator, type Emulator, type Fault } from '../../src/emulator'
import { NOW, pixelTrackBody } from './fixtures'
import { post, type Reply } from './http'

const SLOW_MS = 50

async function withEmulator(
  options: Parameters<typeof startEmulator>[0],
  run: (emulator: Emulator) => Promise<void>
): Promise<void> {
  const emulator = await startEmulator({ now: () => NOW, slowMs: SLOW_MS, ...options })
  try {
    await run(emulator)
  } finally {
    await emulator.close()
  }
}

// What a client sees at the HTTP level for each fault.
const EXPECTED: Record<Exclude<Fault, 'drop' | 'slow'>, (reply: Reply) => void> = {
  rate_limit: (reply) => {
    expect(reply.status).toBe(200)
    expect(reply.json).toMatchObject({ code: 40100, message: expect.stringMatching(/^Too many requests/) })
  },
  server_error: (reply) => {
    expect(reply.status).toBe(503)
    expect(reply.contentType).toBe('application/json')
    expect(reply.json?.code).toBe(50000)
  },
  gateway_html: (reply) => {
    expect(reply.status).toBe(502)
    expect(reply.contentType).toBe('text/html')
    expect(reply.text).toContain('<html>')
    expect(reply.json).toBeUndefined()
  },
  malformed_json: (reply) => {
    expect(reply.status).toBe(200)
    expect(reply.contentType).toBe('application/json')
    expect(reply.json).toBeUndefined()
  },
  internal_error_code: (reply) => {
    expect(reply.status).toBe(200)
    expect(reply.json).toMatchObject({ code: 50002, message: 'Internal error' })
  }
}

describe('scripted faults', () => {
  test.each(Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>)(
    '%s is answered as TikTok would, records nothing, then the script moves on',
    (fault) =>
      withEmulator({ script: [fault, 'ok'] }, async (emulator) => {
        EXPECTED[fault](await post(emulator, PATHS.pixelTrack, pixelTrackBody()))
        expect(emulator.received).toHaveLength(0)
        expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(0)
        expect(emulator.received).toHaveLength(1)
        expect(emulator.requests.map((r) => r.fault)).toEqual([fault, 'ok'])
        expect(emulator.requests[0].events).toBe(1)
      })
  )

  test('drop closes the connection without a reply', () =>
    withEmulator({ script: ['drop'] }, async (emulator) => {
      await expect(post(emulator, PATHS.pixelTrack, pixelTrackBody())).rejects.toThrow()
      expect(emulator.received).toHaveLength(0)
      expect(emulator.requests[0]).toMatchObject({ status: 0, fault: 'drop' })
      expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(0)
    }))

  test('slow answers normally after slowMs', () =>
    withEmulator({ script: ['slow'] }, async (emulator) => {
      const started = performance.now()
      const reply = await post(emulator, PATHS.pixelTrack, pixelTrackBody())
      expect(performance.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 5)
      expect(reply.json?.code).toBe(0)
      expect(emulator.received).toHaveLength(1)
      expect(emulator.requests[0]).toMatchObject({ status: 200, code: 0, fault: 'slow' })
    }))

  test('a slow request is still validated', () =>
    withEmulator({ script: ['slow'] }, async (emulator) => {
      const reply = await post(emulator, PATHS.pixelTrack, { ...pixelTrackBody(), event: 'Nope' })
      expect(reply.json?.message).toBe('event: Not a standard web event')
    }))

  test('faults come before authentication', () =>
    withEmulator({ script: ['rate_limit'] }, async (emulator) => {
      expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody(), {})).json?.code).toBe(40100)
    }))

  test('the script counts requests across all three endpoints', () =>
    withEmulator({ script: ['ok', 'internal_error_code'] }, async (emulator) => {
      expect((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code).toBe(0)
      expect((await post(emulator, PATHS.eventTrack, {})).json?.code).toBe(50002)
    }))
})

describe('random faults', () => {
  async function faultSequence(seed: number): Promise<Array<string | undefined>> {
    let sequence: Array<string | undefined> = []
    await withEmulator({ seed, rates: { rate_limit: 0.3, internal_error_code: 0.2 } }, async (emulator) => {
      for (let i = 0; i < 40; i++) await post(emulator, PATHS.pixelTrack, pixelTrackBody())
      sequence = emulator.requests.map((r) => r.fault)
    })
    return sequence
  }

  test('the same seed gives the same faults; rates are roughly honoured', async () => {
    const first = await faultSequence(7)
    expect(await faultSequence(7)).toEqual(first)
    expect(await faultSequence(8)).not.toEqual(first)
    const count = (fault: string): number => first.filter((f) => f === fault).length
    expect(count('rate_limit')).toBeGreaterThan(4)
    expect(count('internal_error_code')).toBeGreaterThan(2)
    expect(count('ok')).toBeGreaterThan(10)
  })

  test('the script takes precedence, then rates apply', () =>
    withEmulator({ script: ['ok', 'ok'], rates: { rate_limit: 1 } }, async (emulator) => {
      const codes: Array<number | undefined> = []
      for (let i = 0; i < 3; i++) codes.push((await post(emulator, PATHS.pixelTrack, pixelTrackBody())).json?.code)
      expect(codes).toEqual([0, 0, 40100])
    }))

  test('invalid fault options are refused up front', async () => {
    await expect(startEmulator({ rates: { rate_limit: 0.7, drop: 0.5 } })).rejects.toThrow(RangeError)
    await expect(startEmulator({ rates: { slow: -1 } })).rejects.toThrow(RangeError)
    await expect(startEmulator({ script: ['explode' as Fault] })).rejects.toThrow(RangeError)
    expect(FAULTS).toHaveLength(7)
  })
})
