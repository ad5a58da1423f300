import { validateEvents2 } from '../../src/emulator'
import { NOW, setPath, type Json } from './fixtures'

// The emulator takes app, offline and CRM requests by TikTok's rules, as strictly as it takes web ones.

const SHA = 'a'.repeat(64)

function body(source: string, item: Json): Json {
  return { event_source: source, event_source_id: '7301234567890123456', data: [item] }
}

const app = (): Json =>
  body('app', {
    event: 'LaunchAPP',
    event_time: NOW / 1000,
    event_id: 'a-1',
    user: {
      email: SHA,
      idfa: 'EA7583CD-A667-48BC-B806-42ECB2B48606',
      idfv: '5B1E4E4C-6B6F-4C77-9B1A-2C1F0E5D9A10',
      att_status: 'AUTHORIZED',
      locale: 'en-US',
      ip: '203.0.113.1',
      user_agent: 'App/1.0'
    },
    app: { app_id: '1234567890', app_name: 'Shop', app_version: '1.0' },
    properties: { value: 1, currency: 'EUR', num_items: 1, content_ids: ['A'], custom_key: 'kept' }
  })

const offline = (): Json =>
  body('offline', {
    event: 'CompletePayment',
    event_time: NOW / 1000,
    user: { phone: [SHA, SHA], first_name: SHA, zip_code: SHA, city: 'paris', country: 'fr' },
    properties: { order_id: 'POS-1', shop_id: 'S-1', value: 10, currency: 'EUR' }
  })

const crm = (): Json =>
  body('crm', {
    event: 'QualifiedLead',
    event_time: NOW / 1000,
    user: { external_id: [SHA] },
    lead: { lead_id: 'L-1', lead_event_source: 'Salesforce' }
  })

describe('Events API 2.0 sources', () => {
  test.each([
    ['app', app],
    ['offline', offline],
    ['crm', crm]
  ])('accepts a well-formed %s body', (_, make) => {
    expect(validateEvents2(make(), NOW)).toBeUndefined()
  })

  test('a GAID raw in lower case or hashed; an IDFA hashed', () => {
    const b = app()
    setPath(b, 'data.0.user.idfa', undefined)
    setPath(b, 'data.0.user.gaid', '38400000-8cf0-11bd-b23e-10b96e40000d')
    expect(validateEvents2(b, NOW)).toBeUndefined()
    setPath(b, 'data.0.user.gaid', SHA)
    expect(validateEvents2(b, NOW)).toBeUndefined()
  })

  test.each([
    [app, 'data.0.app', undefined, 'data.0.app: Missing data for required field'],
    [app, 'data.0.app.app_id', undefined, 'data.0.app.app_id: Missing data for required field'],
    [
      app,
      'data.0.user.idfa',
      'ea7583cd-a667-48bc-b806-42ecb2b48606',
      'data.0.user.idfa: Must be an upper-case IDFA or its SHA-256 hash'
    ],
    [
      app,
      'data.0.user.gaid',
      'AAAAAAAA-2222-1111-8787-809E92233BA0',
      'data.0.user.gaid: Must be a lower-case GAID or its SHA-256 hash'
    ],
    [
      app,
      'data.0.user.idfa',
      '00000000-0000-0000-0000-000000000000',
      'data.0.user.idfa: An all-zero advertising id identifies nobody'
    ],
    [
      app,
      'data.0.user.att_status',
      'YES',
      'data.0.user.att_status: Must be one of: AUTHORIZED, DENIED, NOT_DETERMINED, RESTRICTED, NOT_APPLICABLE'
    ],
    [
      app,
      'data.0.event',
      'CompleteRegistration',
      'data.0.event: Not a standard app event or a valid custom event name'
    ],
    [app, 'data.0.user.ttp', 'ttp-1', 'data.0.user.ttp: Unknown field'],
    [app, 'data.0.page', { url: 'https://x.example' }, 'data.0.page: Unknown field'],
    [offline, 'data.0.event', 'StoreVisit', 'data.0.event: Not a standard offline event'],
    [offline, 'data.0.user.first_name', 'Claire', 'data.0.user.first_name: Not a valid SHA-256 hash'],
    [offline, 'data.0.limited_data_use', true, 'data.0.limited_data_use: Unknown field'],
    [offline, 'data.0.user.ttclid', 'E.C.P.x', 'data.0.user.ttclid: Unknown field'],
    [offline, 'data.0.properties.num_items', 1.5, 'data.0.properties.num_items: Must be a positive integer'],
    [crm, 'data.0.lead', undefined, 'data.0.lead: Missing data for required field'],
    [crm, 'data.0.lead.lead_id', 7, 'data.0.lead.lead_id: Not a valid string'],
    [crm, 'data.0.event', 'Qualified Lead', 'data.0.event: Not a standard crm event or a valid custom event name'],
    [crm, 'data.0.app', { app_id: '1' }, 'data.0.app: Unknown field']
  ])('refuses %#: %s', (make, path, value, message) => {
    const b = setPath(make(), path as string, value)
    expect(validateEvents2(b, NOW)).toEqual({ code: 40002, message })
  })
})
