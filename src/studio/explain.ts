import {
  Destination,
  RetryableError,
  transform,
  type DestinationDefinition,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import { toFrameworkEvent, type CommandersActEvent } from '../destinations/tiktok-commanders/commanders/event'
import type { Settings } from '../destinations/tiktok-commanders/generated-types'
import type { Endpoint } from '../destinations/tiktok-commanders/tiktok/deliver'
import type { AnswerView, Explanation } from './api-types'
import { previewEvent } from './preview'
import { route, type StudioSubscription } from './replay'
import type { Session } from './session'

// One event's journey, step by step: the subscription it matches, the mapped payload, validation, the exact request
// TikTok would get, the match keys it carries; and on "Send", what TikTok answered and what that means. Every step
// is the destination's own code; this file only records what each step said.

export const MASK = '••••'

interface Context {
  session: Session
  definition: (endpoint: Endpoint) => DestinationDefinition<Settings>
  endpoint: Endpoint
}

interface Journey {
  explanation: Explanation
  event?: SegmentEvent
  subscription?: StudioSubscription
}

export function explain(input: unknown, ctx: Context): Explanation {
  return journey(input, ctx).explanation
}

function journey(input: unknown, ctx: Context): Journey {
  const skipped = { status: 'skipped' as const, message: 'not reached' }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      explanation: {
        route: { status: 'failed', message: 'This is not a Commanders Act event: paste one JSON object.' },
        validation: skipped
      }
    }
  }
  const event = toFrameworkEvent(input as CommandersActEvent)
  const subscription = route(ctx.session.subscriptions(), event)
  if (!subscription) {
    return { explanation: { route: { status: 'failed', message: noMatch(event, ctx.session) }, validation: skipped } }
  }
  const tiktokEvent = typeof subscription.mapping.event === 'string' ? subscription.mapping.event : undefined
  const explanation: Explanation = {
    route: {
      status: 'ok',
      message: `Matched the preset "${subscription.name}" (${subscription.subscribe}).`,
      preset: subscription.name,
      subscribe: subscription.subscribe,
      tiktokEvent
    },
    validation: skipped
  }
  try {
    explanation.payload = transform(subscription.mapping, event as unknown as JSONObject) as Record<string, unknown>
    const settings = ctx.session.settings
    const preview = previewEvent(subscription.mapping, event, settings)
    explanation.validation = { status: 'ok', message: 'The payload is valid: TikTok would accept this event.' }
    const { source, event: name, sourceId } = preview.event
    explanation.built = { source, event: name, sourceId }
    explanation.request = {
      method: 'POST',
      url: ctx.endpoint.baseUrl + preview.request.path,
      headers: maskedHeaders(ctx, preview.payload as unknown as Record<string, unknown>),
      body: preview.request.body
    }
    explanation.matchKeys = preview.matchKeys
  } catch (err) {
    explanation.validation = { status: 'failed', message: messageOf(err) }
  }
  return { explanation, event, subscription }
}

/** Sends the event through the framework's `Destination`, as a CDP does, and says what the answer means. */
export async function send(input: unknown, ctx: Context): Promise<Explanation> {
  const { explanation, event, subscription } = journey(input, ctx)
  if (!event || !subscription || explanation.validation.status !== 'ok') return explanation
  const destination = new Destination(ctx.definition(ctx.endpoint))
  const { subscribe, partnerAction, mapping } = subscription
  const settings = { ...ctx.session.settings, subscription: { subscribe, partnerAction, mapping } }
  let answer: AnswerView
  try {
    await destination.onEvent(event, settings as unknown as JSONObject)
    answer = { verdict: 'delivered', message: 'Delivered: TikTok accepted the event.' }
  } catch (err) {
    answer =
      err instanceof RetryableError
        ? { verdict: 'retry', message: `Not delivered yet, will be retried: ${messageOf(err)}` }
        : { verdict: 'refused', message: `Refused: ${messageOf(err)}` }
  }
  const response = destination.responses[destination.responses.length - 1]
  if (response) {
    answer.status = response.status
    answer.reply = response.data ?? response.content
  }
  explanation.answer = answer
  return explanation
}

/** The headers the definition adds to every request, with every secret setting's value masked. */
function maskedHeaders(ctx: Context, payload: Record<string, unknown>): Record<string, string> {
  const definition = ctx.definition(ctx.endpoint)
  type Input = Parameters<NonNullable<typeof definition.extendRequest>>[0]
  const extension = definition.extendRequest?.({ settings: ctx.session.settings, payload } as Input)
  const secrets = ctx.session.secrets()
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries((extension?.headers ?? {}) as Record<string, string | undefined>)) {
    if (value === undefined || value === '') headers[name] = '(not set)'
    else headers[name] = secrets.some((secret) => value.includes(secret)) ? MASK : value
  }
  return headers
}

function noMatch(event: SegmentEvent, session: Session): string {
  const name = typeof event.event === 'string' ? event.event : undefined
  if (name === undefined) return 'No preset matched: the event has no event_name.'
  const off = session.disabledPresets().filter((p) => p.subscribe === `event = "${name}"`)
  if (off.length) return `No preset matched: the preset "${off[0].name}" for event_name "${name}" is switched off.`
  return `No preset matched: no preset subscribes to event_name "${name}". Nothing would be sent to TikTok.`
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
