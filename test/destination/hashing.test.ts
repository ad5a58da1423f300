import { sha } from '../helpers'
import {
  HashMemo,
  hashEmail,
  hashExternalId,
  hashPhone,
  toE164
} from '../../src/destinations/tiktok-commanders/hashing'

// The vectors of TikTok's advanced-matching rules (shared/spec/tiktok-events-api.md).
describe('hashing', () => {
  it('email: trimmed, lower-cased, SHA-256', () => {
    expect(hashEmail(' ALICE_abc@gmail.com ')).toBe('848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f')
  })

  it('phone: E.164 with +, then SHA-256', () => {
    expect(hashPhone('(+1)2133734253')).toBe('9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd')
  })

  it('external_id: SHA-256', () => {
    expect(hashExternalId('user_123')).toBe('80fba0ae1c48e3978e43e4efc365e14e12ea0c830ba8ba5b9a2dafc7e3f2ab8b')
  })

  it.each([
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['00 33 (0)6 12 34 56 78', '+33612345678'],
    ['+33612345678', '+33612345678'],
    ['(+1)2133734253', '+12133734253'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0612345678', undefined],
    ['+33 12', undefined],
    ['not a phone', undefined]
  ])('E.164 of %s is %s', (raw, e164) => {
    expect(toE164(raw)).toBe(e164)
  })

  it('a phone that cannot be made E.164 gives no hash at all', () => {
    expect(hashPhone('06 12 34 56 78')).toBeUndefined()
  })

  it('passes a 64-hex value through, lower-cased, for every identifier', () => {
    const hashed = '80FBA0AE1C48E3978E43E4EFC365E14E12EA0C830BA8BA5B9A2DAFC7E3F2AB8B'
    expect(hashExternalId(hashed)).toBe(hashed.toLowerCase())
    expect(hashEmail(hashed)).toBe(hashed.toLowerCase())
    expect(hashPhone(hashed)).toBe(hashed.toLowerCase())
  })

  it('hashes an MD5 (32 hex) like any other string: TikTok matches SHA-256 only', () => {
    expect(hashEmail('0CC175B9C0F1B6A831C399E269772661')).toBe(sha('0cc175b9c0f1b6a831c399e269772661'))
  })

  describe('the memo of recent hashes', () => {
    it('gives what the hash itself gives, computing each raw value of a kind once', () => {
      const memo = new HashMemo()
      const calls: string[] = []
      const counted = (raw: string) => {
        calls.push(raw)
        return hashEmail(raw)
      }
      expect(memo.get('email', ' ALICE_abc@gmail.com ', counted)).toBe(hashEmail(' ALICE_abc@gmail.com '))
      expect(memo.get('email', ' ALICE_abc@gmail.com ', counted)).toBe(hashEmail(' ALICE_abc@gmail.com '))
      expect(calls).toHaveLength(1)
      // An unusable value is remembered as such, and another kind of the same raw value is its own entry.
      expect(memo.get('phone FR', 'not a phone', (raw) => hashPhone(raw, 'FR'))).toBeUndefined()
      expect(memo.get('phone ', '0612345678', (raw) => hashPhone(raw))).toBeUndefined()
      expect(memo.get('phone FR', '0612345678', (raw) => hashPhone(raw, 'FR'))).toBe(sha('+33612345678'))
    })

    it('is bounded: once full it starts afresh rather than grow', () => {
      const memo = new HashMemo(3)
      let computed = 0
      const count = (raw: string) => {
        computed++
        return hashExternalId(raw)
      }
      for (const id of ['a', 'b', 'c', 'd', 'a']) memo.get('external_id', id, count)
      // a, b, c fill it; d clears it; a is computed again.
      expect(computed).toBe(5)
      expect(memo.get('external_id', 'd', count)).toBe(hashExternalId('d'))
      expect(computed).toBe(5)
    })

    it('forgets everything once its oldest entry has been kept its time, and not before', () => {
      let now = 1_000
      const memo = new HashMemo(100, 10_000, () => now)
      let computed = 0
      const count = (raw: string) => {
        computed++
        return hashEmail(raw)
      }
      memo.get('email', 'a@b.c', count)
      now += 9_999
      memo.expire().get('email', 'a@b.c', count)
      expect(computed).toBe(1)
      now += 1
      memo.expire().get('email', 'a@b.c', count)
      expect(computed).toBe(2)
      // The clock starts again with the first entry after it forgot.
      now += 9_999
      memo.expire().get('email', 'a@b.c', count)
      expect(computed).toBe(2)
    })

    it('forgets on time when nothing uses it: an idle destination keeps no identifiers', () => {
      jest.useFakeTimers()
      try {
        const memo = new HashMemo(100, 10_000)
        let computed = 0
        const count = (raw: string) => {
          computed++
          return hashEmail(raw)
        }
        memo.get('email', 'a@b.c', count)
        jest.advanceTimersByTime(9_999)
        memo.get('email', 'a@b.c', count)
        expect(computed).toBe(1)
        jest.advanceTimersByTime(1)
        // No expire() call: the timer alone emptied it.
        memo.get('email', 'a@b.c', count)
        expect(computed).toBe(2)
      } finally {
        jest.useRealTimers()
      }
    })
  })
})
