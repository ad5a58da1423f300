import nock from 'nock'
import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from '../../src/destinations/tiktok-commanders/generated-types'
import { PRESET_TABLE } from '../../src/destinations/tiktok-commanders/presets'
import { purchaseV1, TS_MS, UA } from '../fixtures/events'
import { ANDROID_UA, androidEvent, GAID_SHA, IDFA_SHA, IDFV, IOS_UA, iosEvent, SHOE_CONTENT } from '../fixtures/sources'
import {
  EVENT_TRACK,
  frameworkEvent,
  interceptTikTok,
  PIXEL,
  presetMapping,
  sendThroughPreset,
  sentBody,
  settings,
  sha,
  testDestination,
  TIKTOK
} from '../helpers'

// App events (issue 9): the source found per event, app-only parts, TikTok's app names, requests grouped by source.

const APP_ID = '7301234567890123456'
const withApp = (extra: Partial<Settings> = {}) => settings({ appId: APP_ID, testEventCode: 'TEST42', ...extra })

afterEach(() => nock.cleanAll())

describe('app events from the Commanders Act mobile SDKs', () => {
  it.each(['pixel', 'events_2_0'] as const)(
    'Android: the exact Events API 2.0 body, whatever the API Format (%s)',
    async (apiFormat) => {
      const body = await sentBody(androidEvent(), withApp({ apiFormat }))
      expect(body).toEqual({
        // No test_event_code: TikTok's Test Events tab is per pixel.
        event_source: 'app',
        event_source_id: APP_ID,
        data: [
          {
            event: 'Purchase', // the preset says CompletePayment: TikTok's app name for it
            event_time: TS_MS / 1000,
            event_id: 'android-purchase-1',
            user: {
              external_id: sha('user_123'),
              email: sha('alice_abc@gmail.com'),
              phone: sha('+33612345678'),
              ip: '203.0.113.50',
              user_agent: ANDROID_UA,
              locale: 'fr-FR',
              gaid: GAID_SHA, // of the lower-cased id, whatever case the SDK used
              att_status: 'NOT_APPLICABLE'
            },
            app: { app_id: 'com.example.shop', app_name: 'Example Shop', app_version: '5.2.0' },
            properties: {
              contents: [SHOE_CONTENT],
              content_ids: ['SKU-1'],
              content_type: 'product',
              currency: 'EUR',
              value: 49.9,
              num_items: 1,
              description: 'purchase',
              order_id: 'T-1001'
            }
          }
        ]
      })
    }
  )

  it('iOS: IDFA hashed from its upper-case form, IDFV raw, ATT from ad tracking, no web-only keys', async () => {
    const body = await sentBody(iosEvent(), withApp())
    expect(body).toEqual({
      event_source: 'app',
      event_source_id: APP_ID,
      data: [
        {
          event: 'Registration',
          event_time: TS_MS / 1000,
          event_id: 'ios-sign_up-1',
          user: {
            external_id: sha('user_123'),
            ip: '2001:db8::50',
            user_agent: IOS_UA,
            locale: 'en-US',
            idfa: IDFA_SHA,
            idfv: IDFV,
            att_status: 'AUTHORIZED'
          },
          app: { app_id: 'com.example.shop.ios', app_name: 'Example Shop', app_version: '5.2.0' },
          properties: { content_type: 'product', description: 'sign_up' }
        }
      ]
    })
  })

  it('never sends the other platform’s id, nor a zeroed id, nor ttp, ttclid or page', async () => {
    const ios = iosEvent('launch_app')
    const device = (ios.context as { device: Record<string, unknown> }).device
    device.advertising_id = '00000000-0000-0000-0000-000000000000'
    device.ad_tracking_enabled = false
    const [item] = (await sentBody(ios, withApp())).data
    expect(item.user).toEqual({
      external_id: sha('user_123'),
      ip: '2001:db8::50',
      user_agent: IOS_UA,
      locale: 'en-US',
      idfv: IDFV,
      att_status: 'DENIED'
    })
    const android = androidEvent()
    const androidDevice = (android.context as { device: Record<string, unknown> }).device
    androidDevice.idfv = IDFV
    const [androidItem] = (await sentBody(android, withApp())).data
    const user = androidItem.user as Record<string, unknown>
    expect(user.idfa).toBeUndefined()
    expect(user.idfv).toBeUndefined()
    for (const key of ['ttp', 'ttclid']) expect(user[key]).toBeUndefined()
    expect(androidItem.page).toBeUndefined()
  })

  it('takes att_status as given (upper-cased) and refuses one TikTok does not know', async () => {
    const event = iosEvent()
    const device = (event.context as { device: Record<string, unknown> }).device
    device.att_status = 'restricted'
    const [item] = (await sentBody(event, withApp())).data
    expect((item.user as Record<string, unknown>).att_status).toBe('RESTRICTED')
    device.att_status = 'maybe'
    const scope = nock(TIKTOK).post(/.*/).reply(200, {})
    await expect(sendThroughPreset(event, withApp())).rejects.toThrow(
      /device\.att_status: "MAYBE" must be one of AUTHORIZED, DENIED/
    )
    expect(scope.isDone()).toBe(false)
  })

  it('App, when mapped, wins over context.app; a namespace that is no text is refused by name', async () => {
    const mapped = await sentBody(androidEvent(), withApp(), {
      app: { app_id: 'com.example.mapped', app_name: 'Mapped' }
    })
    expect(mapped.data[0].app).toEqual({ app_id: 'com.example.mapped', app_name: 'Mapped' })
    const event = androidEvent()
    ;(event.context as { app: Record<string, unknown> }).app.namespace = { id: 'com.example.shop' }
    const scope = nock(TIKTOK).post(/.*/).reply(200, {})
    await expect(sendThroughPreset(event, withApp())).rejects.toThrow(
      /context\.app\.namespace: must be text, not an object/
    )
    expect(scope.isDone()).toBe(false)
  })

  it('sends every preset that has an app name under that name, and refuses web-only ones from an app', async () => {
    for (const row of PRESET_TABLE) {
      const event = androidEvent(row.commandersAct)
      if (row.sources.app) {
        const [item] = (await sentBody(event, withApp())).data
        expect([row.commandersAct, item.event]).toEqual([row.commandersAct, row.sources.app])
      } else {
        const scope = nock(TIKTOK).post(/.*/).reply(200, {})
        await expect(sendThroughPreset(event, withApp())).rejects.toThrow(
          new RegExp(`event: "${row.tiktok}" is a TikTok .*web.* event, and this is an app event`)
        )
        expect(scope.isDone()).toBe(false)
        nock.cleanAll()
      }
    }
  })

  it.each([
    ['CompleteRegistration', 'Registration'],
    ['CompletePayment', 'Purchase'],
    ['Purchase', 'Purchase'],
    ['InitiateCheckout', 'Checkout'],
    ['Lead', 'GenerateLead'],
    ['SubmitForm', 'GenerateLead'],
    ['InAppAdImpr', 'InAppADImpr']
  ])('renames %s to %s for an app event, and keeps the web name for a web event', async (web, app) => {
    const [appItem] = (await sentBody(androidEvent(), withApp(), { event: web })).data
    expect(appItem.event).toBe(app)
    if (web === 'InAppAdImpr') return
    const webBody = await sentBody(purchaseV1(), withApp({ apiFormat: 'events_2_0' }), { event: web })
    expect(webBody.data[0].event).toBe(web)
  })

  it('refuses an app-only name on a web event instead of sending it to the pixel', async () => {
    const scope = nock(TIKTOK).post(/.*/).reply(200, {})
    await expect(sendThroughPreset(purchaseV1(), withApp(), { event: 'LaunchAPP' })).rejects.toThrow(
      PayloadValidationError
    )
    await expect(
      sendThroughPreset(purchaseV1(), withApp({ apiFormat: 'events_2_0' }), { event: 'LaunchAPP' })
    ).rejects.toThrow(/"LaunchAPP" is a TikTok app event, and this is a web event/)
    expect(scope.isDone()).toBe(false)
  })
})

describe('the event source of an event', () => {
  it('without an App ID, an SDK event goes as a web event exactly as before', async () => {
    const body = await sentBody(androidEvent(), settings(), {}, '/open_api/v1.3/pixel/track/')
    expect(body).toMatchObject({ pixel_code: PIXEL, event: 'CompletePayment' })
  })

  it('with autodiscovery off, an SDK event goes as a web event', async () => {
    const body = await sentBody(
      androidEvent(),
      withApp({ autodiscoverAppEvents: false }),
      {},
      '/open_api/v1.3/pixel/track/'
    )
    expect(body).toMatchObject({ pixel_code: PIXEL, event: 'CompletePayment', test_event_code: 'TEST42' })
  })

  it('the Event Source field wins over autodiscovery, both ways', async () => {
    const asWeb = androidEvent()
    asWeb.partners = { tiktok: { event_source: 'web' } }
    const web = await sentBody(asWeb, withApp({ apiFormat: 'events_2_0' }))
    expect(web).toMatchObject({ event_source: 'web', event_source_id: PIXEL })
    const asApp = androidEvent()
    delete (asApp.context as Record<string, unknown>).app
    asApp.partners = { tiktok: { event_source: 'APP' } }
    const scope = nock(TIKTOK).post(/.*/).reply(200, {})
    // Marked app but without context.app: the store id TikTok requires is missing.
    await expect(sendThroughPreset(asApp, withApp())).rejects.toThrow(/app\.app_id: an app event needs the store id/)
    expect(scope.isDone()).toBe(false)
    nock.cleanAll()
    const app = await sentBody(asApp, withApp(), { app: { app_id: '1234567890' } })
    expect(app).toMatchObject({ event_source: 'app', data: [{ app: { app_id: '1234567890' } }] })
  })

  it('refuses an event marked app when no App ID is configured, naming the setting, before any request', async () => {
    const event = androidEvent()
    event.partners = { tiktok: { event_source: 'app' } }
    const scope = nock(TIKTOK).post(/.*/).reply(200, {})
    const sending = sendThroughPreset(event, settings())
    await expect(sending).rejects.toThrow(PayloadValidationError)
    await expect(sendThroughPreset(event, settings())).rejects.toThrow(/the TikTok App ID setting is empty/)
    expect(scope.isDone()).toBe(false)
  })

  it('refuses an event source TikTok does not know', async () => {
    const event = purchaseV1()
    event.partners = { tiktok: { event_source: 'kiosk' } }
    await expect(sendThroughPreset(event, settings())).rejects.toThrow(
      /event_source: "kiosk" is not a TikTok event source/
    )
  })

  it('names the App ID setting when TikTok says the token has no permission on the app', async () => {
    interceptTikTok(EVENT_TRACK, { code: 40001, message: 'No permission', request_id: 'r1' })
    await expect(sendThroughPreset(androidEvent(), withApp())).rejects.toThrow(
      /no permission on the app.*TikTok App ID setting/
    )
  })
})

describe('a batch mixing web and app events', () => {
  it('sends one request per source, and maps each result back to its event', async () => {
    const bodies: Array<Record<string, unknown>> = []
    const pixel = nock(TIKTOK)
      .post('/open_api/v1.3/pixel/batch/', (b) => bodies.push(b) > 0)
      .reply(200, { code: 0, message: 'OK', request_id: 'web' })
    const app = nock(TIKTOK)
      .post(EVENT_TRACK, (b) => bodies.push(b) > 0)
      .reply(200, { code: 40002, message: 'data.1.user.gaid: Not a valid string', request_id: 'app' })
      .post(EVENT_TRACK, (b) => bodies.push(b) > 0)
      .reply(200, { code: 0, message: 'OK', request_id: 'app2' })
    const events = [purchaseV1(), androidEvent(), purchaseV1(), iosEvent('purchase'), androidEvent()]
    events[4].context = { ...(events[4].context as object), event_id: 'android-purchase-2' }
    events.push({ ...androidEvent(), partners: { tiktok: { event_source: 'crm' } } }) // no CRM set id
    const destination = testDestination()
    await destination.testBatchAction('reportWebEvent', {
      events: events.map((e) => frameworkEvent(e) as never),
      mapping: presetMapping('purchase'),
      settings: withApp()
    })
    const results = destination.results[0].multistatus ?? []
    expect(pixel.isDone() && app.isDone()).toBe(true)
    const [web, firstApp, secondApp] = bodies as Array<{ batch?: unknown[]; data?: Array<{ event_id: string }> }>
    expect(web.batch).toHaveLength(2)
    expect(firstApp).toMatchObject({ event_source: 'app', event_source_id: APP_ID })
    expect(firstApp.data?.map((d) => d.event_id)).toEqual([
      'android-purchase-1',
      'ios-purchase-1',
      'android-purchase-2'
    ])
    // TikTok blamed data.1 (the iOS event); the others were resent without it.
    expect(secondApp.data?.map((d) => d.event_id)).toEqual(['android-purchase-1', 'android-purchase-2'])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 400, 200, 400])
    expect(results[3]).toMatchObject({ errormessage: expect.stringContaining('data.1.user.gaid') })
    expect(results[5]).toMatchObject({ errortype: 'PAYLOAD_VALIDATION_FAILED' })
    expect(results[5]).toMatchObject({ errormessage: expect.stringMatching(/CRM Event Set ID setting is empty/) })
  })
})

describe('web events keep the product page behaviour', () => {
  it('a web event with an App ID configured is still a pixel event with its page, ttp and ttclid', async () => {
    const body = await sentBody(purchaseV1(), withApp(), {}, '/open_api/v1.3/pixel/track/')
    expect(body).toMatchObject({
      pixel_code: PIXEL,
      event: 'CompletePayment',
      test_event_code: 'TEST42',
      context: { user_agent: UA, user: { ttp: 'ttp-partner' }, ad: { callback: 'E.C.P.partner' } }
    })
  })
})
