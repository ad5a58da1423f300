import { createHash } from 'crypto'
import type { CommandersActEvent } from '../src/destinations/tiktok-commanders/commanders/event'

// The floor: the least work that can produce the same body, written by hand for the sample's known shape. No
// framework, no validation, no fallbacks beyond what the sample needs. Not a product path; a yardstick.

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
type Obj = Record<string, unknown>
const o = (v: unknown) => (v ?? {}) as Obj

export function floorBody(e: CommandersActEvent, format: 'pixel' | 'events_2_0') {
  const props = o(e.properties)
  const ctx = o(e.context)
  const user = o(props.user ?? e.user)
  const page = o(e.page ?? ctx.page)
  const device = o(e.device ?? ctx.device)
  const items = (props.items ?? e.items ?? []) as Obj[]
  const email = typeof user.email === 'string' ? sha(user.email.trim().toLowerCase()) : (user.email_sha256 as string)
  const phone = typeof user.phone === 'string' ? sha(user.phone.replace(/\s/g, '')) : undefined
  const contents = items.map((it) => ({
    content_id: String(it.id),
    content_type: 'product',
    content_name: o(it.product).name,
    content_category: o(it.product).category_1,
    price: o(it.product).price,
    quantity: it.quantity
  }))
  const properties = {
    contents: contents.length ? contents : undefined,
    content_type: 'product',
    currency: props.currency ?? e.currency,
    value: props.value ?? e.value,
    description: e.event_name
  }
  const time = Number(e.event_timestamp ?? ctx.event_timestamp)
  const userOut = { external_id: sha(String(user.id)), email, ttp: 'ttp' }
  if (format === 'pixel') {
    return {
      pixel_code: 'CBENCHPIXEL000001',
      event: 'ViewContent',
      event_id: String(props.id ?? ctx.event_id),
      timestamp: new Date(time).toISOString(),
      context: {
        page: { url: page.url, referrer: page.referrer },
        ip: device.ip,
        user_agent: device.user_agent,
        user: { ...userOut, phone_number: phone }
      },
      properties
    }
  }
  return {
    event_source: 'web',
    event_source_id: 'CBENCHPIXEL000001',
    data: [
      {
        event: 'ViewContent',
        event_time: Math.floor(time / 1000),
        event_id: String(props.id ?? ctx.event_id),
        user: { ...userOut, phone, ip: device.ip, user_agent: device.user_agent },
        page: { url: page.url, referrer: page.referrer },
        properties
      }
    ]
  }
}
