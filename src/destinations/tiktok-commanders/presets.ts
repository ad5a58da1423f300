import { defaultValues, type Preset } from '@segment/actions-core'
import type { StandardWebEvent } from './tiktok/constants'
import { fields } from './reportWebEvent/fields'

/** The product page's event table: Commanders Act event name -> TikTok standard web event. */
export const EVENT_TABLE: ReadonlyArray<readonly [commandersAct: string, tiktok: StandardWebEvent]> = [
  ['add_payment_info', 'AddPaymentInfo'],
  ['add_to_cart', 'AddToCart'],
  ['add_to_wishlist', 'AddToWishlist'],
  ['begin_checkout', 'InitiateCheckout'],
  ['click_button', 'ClickButton'],
  ['complete_payment', 'CompletePayment'],
  ['purchase', 'CompletePayment'],
  ['contact', 'Contact'],
  ['download', 'Download'],
  ['page_view', 'ViewContent'],
  ['search', 'Search'],
  ['sign_up', 'CompleteRegistration'],
  ['submit_form', 'SubmitForm'],
  ['subscribe', 'Subscribe']
]

export const presets: Preset[] = EVENT_TABLE.map(([commandersAct, tiktok]) => ({
  name: `${commandersAct} -> ${tiktok}`,
  subscribe: `event = "${commandersAct}"`,
  partnerAction: 'reportWebEvent',
  mapping: { ...defaultValues(fields), event: tiktok },
  type: 'automatic'
}))
