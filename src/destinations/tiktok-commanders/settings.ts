import type { GlobalSetting } from '@segment/actions-core'

export const API_FORMATS = ['pixel', 'events_2_0'] as const
export type ApiFormat = (typeof API_FORMATS)[number]

export const USER_EMAIL_FIELDS = ['email', 'email_md5', 'email_sha256'] as const

export const settingsFields: Record<string, GlobalSetting> = {
  accessToken: {
    label: 'Access Token',
    description:
      'Your TikTok Events API access token (TikTok Ads Manager > Assets > Events > your pixel > Settings > Generate Access Token).',
    type: 'password',
    required: true
  },
  pixelCode: {
    label: 'TikTok Pixel ID',
    description: 'The ID of the one TikTok pixel this destination reports to (TikTok Ads Manager > Assets > Events).',
    type: 'string',
    required: true
  },
  testEventCode: {
    label: 'Test Event Code',
    description:
      'For test environments only: TikTok shows these events in the Test Events tab and does NOT save live events carrying this code. Leave empty in production. Found in Ads Manager > Assets > Events > Manage (Web Events) > your pixel > Test Events.',
    type: 'string'
  },
  userIdentifier: {
    label: 'User Identifier',
    description:
      'The Commanders Act user property that identifies a logged user (properties.user.<this>). Sent SHA-256 hashed as the external id.',
    type: 'string',
    default: 'id'
  },
  userEmailField: {
    label: 'User Email Field',
    description:
      'Which user property to send as the email: User Email or User Email MD5 (both SHA-256 hashed before sending) or User Email Sha256 (sent as is). When the chosen one is missing, another present one is used.',
    type: 'string',
    choices: [
      { value: 'email', label: 'User Email' },
      { value: 'email_md5', label: 'User Email MD5' },
      { value: 'email_sha256', label: 'User Email Sha256' }
    ],
    default: 'email'
  },
  apiFormat: {
    label: 'API Format',
    description:
      "Which TikTok wire format to send: the pixel format (/pixel/track/, the default) or Events API 2.0 (/event/track/, TikTok's current web integration). Same mappings, same hashing; only the request differs.",
    type: 'string',
    choices: [
      { value: 'pixel', label: 'Pixel (Events API 1.3 pixel/track)' },
      { value: 'events_2_0', label: 'Events API 2.0 (event/track)' }
    ],
    default: 'pixel'
  },
  appId: {
    label: 'TikTok App ID',
    description:
      'Required for app events. The ID of your app in TikTok Events Manager (Assets > Events > App Events), not its App Store or Google Play id. App events always go to Events API 2.0. TikTok grants app reporting through this API per advertiser, on request.',
    type: 'string'
  },
  autodiscoverAppEvents: {
    label: 'Autodiscovery Event Source',
    description:
      'When the TikTok App ID is set, report an event as an app event when its context.app has at least one property (what the Commanders Act mobile SDKs send). The Event Source field of a mapping always has priority.',
    type: 'boolean',
    default: true
  },
  offlineEventSetId: {
    label: 'Offline Event Set ID',
    description:
      'Required for offline events (sales in shops, call centres). The ID of your offline event set in TikTok Events Manager; never a pixel ID.',
    type: 'string'
  },
  crmEventSetId: {
    label: 'CRM Event Set ID',
    description:
      'Required for CRM events (leads and their progress in your CRM). The ID of your CRM event set in TikTok Events Manager.',
    type: 'string'
  },
  defaultPhoneCountry: {
    label: 'Default Phone Country',
    description:
      'Two-letter country code (ISO 3166, e.g. FR) used to read phone numbers written in national form (06 12 34 56 78). Without it, such numbers are left out, since TikTok only matches E.164 numbers.',
    type: 'string'
  }
}

/** The setting that holds each source's id, and what TikTok calls the thing it identifies. */
export const SOURCE_SETTINGS = {
  web: { key: 'pixelCode', label: 'TikTok Pixel ID', noun: 'pixel' },
  app: { key: 'appId', label: 'TikTok App ID', noun: 'app' },
  offline: { key: 'offlineEventSetId', label: 'Offline Event Set ID', noun: 'offline event set' },
  crm: { key: 'crmEventSetId', label: 'CRM Event Set ID', noun: 'CRM event set' }
} as const
