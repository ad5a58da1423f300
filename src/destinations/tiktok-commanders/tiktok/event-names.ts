// Which event names TikTok takes from which event source, in one table read by the payload builder, the presets,
// the emulator and the UI. Source: TikTok's standard-event lists per source (2025) and its custom-event rules.

export const EVENT_SOURCES = ['web', 'app', 'offline', 'crm'] as const
export type EventSource = (typeof EVENT_SOURCES)[number]

// Purchase, Lead, ... were added in May 2025 as new names; the old names (CompletePayment, SubmitForm) keep working.
export const WEB_EVENTS = [
  'AddPaymentInfo',
  'AddToCart',
  'AddToWishlist',
  'ApplicationApproval',
  'ClickButton',
  'CompletePayment',
  'CompleteRegistration',
  'Contact',
  'CustomizeProduct',
  'Download',
  'FindLocation',
  'InitiateCheckout',
  'Lead',
  'PlaceAnOrder',
  'Purchase',
  'Schedule',
  'Search',
  'StartTrial',
  'SubmitApplication',
  'SubmitForm',
  'Subscribe',
  'ViewContent'
] as const

export const APP_EVENTS = [
  'AchieveLevel',
  'AddPaymentInfo',
  'AddToCart',
  'AddToWishlist',
  'Checkout',
  'CompleteTutorial',
  'CreateGroup',
  'CreateRole',
  'GenerateLead',
  'InAppADClick',
  'InAppADImpr',
  'InstallApp',
  'JoinGroup',
  'LaunchAPP',
  'LoanApplication',
  'LoanApproval',
  'LoanDisbursal',
  'Login',
  'Purchase',
  'Rate',
  'Registration',
  'Search',
  'SpendCredits',
  'StartTrial',
  'Subscribe',
  'UnlockAchievement',
  'ViewContent'
] as const

// Offline takes standard names only, and no custom event.
export const OFFLINE_EVENTS = [
  'AddPaymentInfo',
  'AddToCart',
  'AddToWishlist',
  'ClickButton',
  'CompletePayment',
  'CompleteRegistration',
  'Contact',
  'Download',
  'InitiateCheckout',
  'PlaceAnOrder',
  'Purchase',
  'Search',
  'SubmitForm',
  'Subscribe',
  'ViewContent'
] as const

export type WebEventName = (typeof WEB_EVENTS)[number]
export type AppEventName = (typeof APP_EVENTS)[number]

/**
 * The standard names of each source. CRM: TikTok's text says custom names only, yet its own examples use standard
 * web names (AddToCart): both are taken.
 */
export const STANDARD_EVENTS: Readonly<Record<EventSource, ReadonlySet<string>>> = {
  web: new Set(WEB_EVENTS),
  app: new Set(APP_EVENTS),
  offline: new Set(OFFLINE_EVENTS),
  crm: new Set(WEB_EVENTS)
}

/** Whether a source takes custom event names (reporting and audiences only: TikTok does not optimise on them). */
export const TAKES_CUSTOM_EVENTS: Readonly<Record<EventSource, boolean>> = {
  web: true,
  app: true,
  offline: false,
  crm: true
}

/**
 * The same act under the names each source gives it; the first name of a group that a source takes is the one it
 * gets. A web CompleteRegistration sent from an app is a Registration, an app Registration sent from the web a
 * CompleteRegistration.
 */
const SAME_ACT: ReadonlyArray<Readonly<Record<EventSource, string>>> = [
  { web: 'CompleteRegistration', app: 'Registration', offline: 'CompleteRegistration', crm: 'CompleteRegistration' },
  { web: 'CompletePayment', app: 'Purchase', offline: 'CompletePayment', crm: 'CompletePayment' },
  { web: 'Purchase', app: 'Purchase', offline: 'Purchase', crm: 'Purchase' },
  { web: 'InitiateCheckout', app: 'Checkout', offline: 'InitiateCheckout', crm: 'InitiateCheckout' },
  { web: 'Lead', app: 'GenerateLead', offline: 'SubmitForm', crm: 'Lead' },
  { web: 'SubmitForm', app: 'GenerateLead', offline: 'SubmitForm', crm: 'SubmitForm' }
]

// TikTok's Android SDK spells InAppAdImpr (as Commanders Act does), its iOS SDK and API reference InAppADImpr.
const SPELLINGS: Readonly<Record<string, string>> = { InAppAdImpr: 'InAppADImpr' }

// Names TikTok re-maps itself on the web; sent as custom events they would be silently renamed.
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'AddBilling',
  'Browse',
  'Checkout',
  'ClickForm',
  'ClickInDownloadPage',
  'ClickToDownload',
  'Consult',
  'ConsultByPhone',
  'Registration',
  'StartCheckout',
  'ViewConsultationPage',
  'ViewDownloadPage',
  'ViewForm'
])

const ALL_STANDARD: ReadonlySet<string> = new Set([...WEB_EVENTS, ...APP_EVENTS, ...OFFLINE_EVENTS])

export const CUSTOM_EVENT_RULE =
  'a custom event name has at most 50 characters, letters, digits, _ and - only, starts with a letter, and is not a standard or reserved TikTok name'
const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,49}$/

export type NameVerdict =
  | { ok: true; name: string; custom: boolean }
  | { ok: false; reason: 'other-source' | 'custom-not-allowed' | 'bad-custom-name'; sources?: EventSource[] }

/**
 * The name an event goes out under from this source: a standard name of the source as is, a name the source gives
 * another name (CompleteRegistration from an app) under that name, otherwise a custom event where the source takes
 * them and the name follows TikTok's rules. Never a standard name of another source sent as if it were custom.
 */
export function nameForSource(
  name: string,
  source: EventSource,
  allowCustom = TAKES_CUSTOM_EVENTS[source]
): NameVerdict {
  const spelled = SPELLINGS[name] ?? name
  const standard = STANDARD_EVENTS[source]
  if (standard.has(spelled)) return { ok: true, name: spelled, custom: false }
  for (const act of SAME_ACT) {
    if (Object.values(act).includes(spelled) && standard.has(act[source])) {
      return { ok: true, name: act[source], custom: false }
    }
  }
  if (ALL_STANDARD.has(spelled)) {
    return { ok: false, reason: 'other-source', sources: EVENT_SOURCES.filter((s) => STANDARD_EVENTS[s].has(spelled)) }
  }
  if (!allowCustom) return { ok: false, reason: 'custom-not-allowed' }
  if (!isCustomEventName(spelled)) return { ok: false, reason: 'bad-custom-name' }
  return { ok: true, name: spelled, custom: true }
}

export function isCustomEventName(name: string): boolean {
  return CUSTOM_NAME.test(name) && !ALL_STANDARD.has(name) && !RESERVED_NAMES.has(name)
}

/** Every standard name, each once, for choices in the UI. */
export const ALL_STANDARD_EVENTS: readonly string[] = [...ALL_STANDARD].sort()
