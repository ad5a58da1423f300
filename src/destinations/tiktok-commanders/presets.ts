import { defaultValues, type Preset } from '@segment/actions-core'
import { fields } from './reportWebEvent/fields'
import {
  EVENT_SOURCES,
  nameForSource,
  type AppEventName,
  type EventSource,
  type WebEventName
} from './tiktok/event-names'

type TikTokName = WebEventName | AppEventName

/** The product page's event table: Commanders Act event name -> TikTok standard web event. */
export const EVENT_TABLE: ReadonlyArray<readonly [commandersAct: string, tiktok: WebEventName]> = [
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

/**
 * The rows of Commanders Act's current event table that the product page lacks. A web name stands for the act on
 * every source: an app event goes out under TikTok's app name for it (generate_lead: Lead on the web, GenerateLead
 * from an app).
 */
export const CURRENT_EVENT_TABLE: ReadonlyArray<readonly [commandersAct: string, tiktok: TikTokName]> = [
  ['achieve_level', 'AchieveLevel'],
  ['application_approval', 'ApplicationApproval'],
  ['complete_tutorial', 'CompleteTutorial'],
  ['create_group', 'CreateGroup'],
  ['create_role', 'CreateRole'],
  ['customize_product', 'CustomizeProduct'],
  ['find_location', 'FindLocation'],
  ['generate_lead', 'Lead'],
  ['in_app_ad_click', 'InAppADClick'],
  ['in_app_ad_impr', 'InAppADImpr'],
  ['install_app', 'InstallApp'],
  ['join_group', 'JoinGroup'],
  ['launch_app', 'LaunchAPP'],
  ['loan_application', 'LoanApplication'],
  ['loan_approval', 'LoanApproval'],
  ['loan_disbursal', 'LoanDisbursal'],
  ['login', 'Login'],
  ['rate', 'Rate'],
  ['schedule', 'Schedule'],
  ['spend_credits', 'SpendCredits'],
  ['start_trial', 'StartTrial'],
  ['submit_application', 'SubmitApplication'],
  ['unlock_achievement', 'UnlockAchievement'],
  ['view_content', 'ViewContent'],
  ['view_item', 'ViewContent']
]

export interface PresetRow {
  commandersAct: string
  /** The name the preset maps. */
  tiktok: string
  /** The name the event goes out under from each source that takes it. */
  sources: Partial<Record<EventSource, string>>
}

/** Every preset with the TikTok name it becomes per source: for the README, the studio, and the tests. */
export const PRESET_TABLE: readonly PresetRow[] = [...EVENT_TABLE, ...CURRENT_EVENT_TABLE].map(([ca, tiktok]) => ({
  commandersAct: ca,
  tiktok,
  sources: Object.fromEntries(
    EVENT_SOURCES.flatMap((source) => {
      const verdict = nameForSource(tiktok, source, false)
      return verdict.ok ? [[source, verdict.name]] : []
    })
  )
}))

// The framework deletes every mapped key that resolves to nothing, and an object that loses a key anywhere but at its
// end turns into a slow dictionary for all the framework does with it next (about 4 us an event). Context is empty in
// the product page's layout, so it is mapped last.
const { context, ...defaults } = defaultValues(fields)

export const presets: Preset[] = PRESET_TABLE.map(({ commandersAct, tiktok }) => ({
  name: `${commandersAct} -> ${tiktok}`,
  subscribe: `event = "${commandersAct}"`,
  partnerAction: 'reportWebEvent',
  mapping: { ...defaults, event: tiktok, context },
  type: 'automatic'
}))
