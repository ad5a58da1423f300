import nock from 'nock'
import { toFrameworkEvent, type CommandersActEvent } from '../../src/destinations/tiktok-commanders/commanders/event'
import { createBatchPreviewer, previewEvent } from '../../src/destinations/tiktok-commanders/preview'
import { purchaseV1, purchaseV2 } from '../fixtures/events'
import { presetMapping, settings } from '../helpers'

// The batch preview (the runner's describe stage) gives, event by event, what the single preview gives: the same
// TikTok event, or the same refusal, in the events' order, whichever step refuses an event.

describe('previews of many events at once', () => {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => nock.enableNetConnect())

  const named = (id: string, edit: (e: CommandersActEvent) => void = () => {}) => {
    const e = purchaseV1()
    ;(e.properties as Record<string, unknown>).id = id
    edit(e)
    return e
  }
  const events: CommandersActEvent[] = [
    named('first'),
    // Refused by our builder, after the framework's schema check.
    named('bad-value', (e) => ((e.properties as Record<string, unknown>).value = 'abc')),
    // Refused by the framework's schema check, before the action runs: it never reaches the builder.
    named('bad-page', (e) => (e.page = 'not a page' as unknown as Record<string, unknown>)),
    purchaseV2(),
    named('last')
  ]

  it.each(['pixel', 'events_2_0'] as const)('%s: match the single previews, in order', async (apiFormat) => {
    const s = settings({ apiFormat })
    const mapping = presetMapping('purchase')
    const framework = events.map(toFrameworkEvent)
    const batch = await createBatchPreviewer()(mapping, framework, s)
    const NOW = Date.now()
    const single = framework.map((e) => {
      try {
        return previewEvent(mapping, e, s, NOW)
      } catch (err) {
        return err as Error
      }
    })
    expect(batch).toHaveLength(events.length)
    batch.forEach((b, i) => {
      const one = single[i]
      if (one instanceof Error) {
        expect(b).toBeInstanceOf(Error)
        expect((b as Error).message).toBe(one.message)
      } else {
        expect(b).not.toBeInstanceOf(Error)
        const preview = b as Exclude<typeof b, Error>
        expect({ ...preview.event, builtAt: 0 }).toEqual({ ...one.event, builtAt: 0 })
        expect(preview.request.body).toEqual(one.request.body)
        expect(preview.matchKeys).toEqual(one.matchKeys)
      }
    })
    // The refusals are where they belong, and say what is wrong.
    expect((batch[1] as Error).message).toMatch(/^properties\.value: "abc" is not a number/)
    expect((batch[2] as Error).message).toMatch(/Page/)
    expect((batch[0] as { event: { eventId: string } }).event.eventId).toBe('first')
    expect((batch[4] as { event: { eventId: string } }).event.eventId).toBe('last')
  })

  it('keeps overlapping calls apart: each gets the previews of its own events', async () => {
    const preview = createBatchPreviewer()
    const mapping = presetMapping('purchase')
    const a = ['a1', 'a2', 'a3'].map((id) => toFrameworkEvent(named(id)))
    const b = ['b1', 'bad-page', 'b2'].map((id) =>
      toFrameworkEvent(named(id, (e) => id === 'bad-page' && (e.page = 'x' as unknown as Record<string, unknown>)))
    )
    const [fromA, fromB] = await Promise.all([preview(mapping, a, settings()), preview(mapping, b, settings())])
    const ids = (list: typeof fromA) =>
      list.map((p) => (p instanceof Error ? 'refused' : (p.event as { eventId?: string }).eventId))
    expect(ids(fromA)).toEqual(['a1', 'a2', 'a3'])
    expect(ids(fromB)).toEqual(['b1', 'refused', 'b2'])
  })
})
