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
  }
}
