import { describeMapping, subscribedEvent } from '../../src/studio/describe'

// Mappings as a person reads them in the studio.

it.each([
  [{ '@path': '$.page.url' }, 'page.url'],
  [
    {
      '@if': {
        exists: { '@path': '$.properties.user.email' },
        then: { '@path': '$.properties.user.email' },
        else: { '@path': '$.user.email' }
      }
    },
    'properties.user.email, else user.email'
  ],
  [
    { '@arrayPath': ['$.items', { content_id: { '@path': '$.id' }, price: { '@path': '$.product.price' } }] },
    'each of items: content_id ← id; price ← product.price'
  ],
  // What wins first: with "right" the framework lets the last object override the others.
  [
    {
      '@merge': {
        direction: 'right',
        objects: [{ id: { '@path': '$.id' }, value: { '@path': '$.value' } }, { '@path': '$.properties' }]
      }
    },
    'properties, else id ← id; value ← value'
  ],
  [{ '@merge': { direction: 'left', objects: [{ '@path': '$.a' }, { '@path': '$.b' }] } }, 'a, else b'],
  ['CompletePayment', 'fixed: "CompletePayment"'],
  [50, 'fixed: 50'],
  [true, 'fixed: true'],
  [{ currency: 'EUR' }, 'fixed: {"currency":"EUR"}'],
  // A directive with no wording of its own is shown as the framework reads it.
  [{ '@template': '{{properties.id}}' }, '{"@template":"{{properties.id}}"}'],
  // An @if that is not a fallback chain is not presented as one.
  [
    { '@if': { exists: { '@path': '$.a' }, then: 'yes', else: 'no' } },
    '{"@if":{"exists":{"@path":"$.a"},"then":"yes","else":"no"}}'
  ]
])('%j reads %s', (mapping, words) => {
  expect(describeMapping(mapping)).toBe(words)
})

it('finds the Commanders Act event of a plain subscription only', () => {
  expect(subscribedEvent('event = "purchase"')).toBe('purchase')
  expect(subscribedEvent('event = "purchase" and properties.value > 1')).toBeUndefined()
})
