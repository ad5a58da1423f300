import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { settingsFields } from '../../src/destinations/tiktok-commanders/settings'
import { launchChromium } from './chromium'
import { SAMPLE_FILE, SECRET, SOURCE_IDS, sampleLines, studioUnderTest } from './harness'

// The studio in a real headless Chromium (shipped inside the @sparticuz/chromium npm package), driven as a person
// would: by labels, roles and visible text. One browser and one page for the whole file; the tests run in order.
// STUDIO_SCREENSHOT=1 also writes the README's screenshots to docs/.

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
const SCREENSHOTS = process.env.STUDIO_SCREENSHOT ? path.resolve(__dirname, '../../docs') : undefined

let s: Awaited<ReturnType<typeof studioUnderTest>>
let browser: Browser
let page: Page
const answers: Promise<string>[] = []

beforeAll(async () => {
  s = await studioUnderTest()
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('response', (response) => answers.push(response.text().catch(() => '')))
  await page.goto(`${s.studio.url}/`)
  await page.getByRole('heading', { name: 'Settings' }).waitFor()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await s?.close()
})

const tester = () => page.locator('#tester')

it('renders the settings from the definition, every control with a label', async () => {
  for (const field of Object.values(settingsFields)) {
    await expect(page.getByLabel(field.label, { exact: false }).first().isVisible()).resolves.toBe(true)
  }
  expect(await page.getByLabel('Access Token').getAttribute('type')).toBe('password')
  expect(await page.getByLabel('API Format').inputValue()).toBe('pixel')
  const unlabelled = await page.$$eval('input, select, textarea', (controls) =>
    controls
      .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
      .map((c) => c.outerHTML)
  )
  expect(unlabelled).toEqual([])
})

it('fills the settings and tests the connection', async () => {
  await page.getByLabel('Send to').selectOption('emulator')
  await page.getByLabel('TikTok Pixel ID').fill(SOURCE_IDS.pixelCode)
  // A wrong token first: the refusal is announced in words.
  await page.getByLabel('Access Token').fill('not-the-token')
  await page.getByRole('button', { name: 'Test connection' }).click()
  await page
    .getByRole('alert')
    .filter({ hasText: /^✗ Not connected: .*access token is invalid or revoked/ })
    .waitFor()
  await page.getByLabel('Access Token').fill(SECRET)
  await page.getByLabel('TikTok App ID').fill(SOURCE_IDS.appId)
  await page.getByLabel('Offline Event Set ID').fill(SOURCE_IDS.offlineEventSetId)
  await page.getByLabel('CRM Event Set ID').fill(SOURCE_IDS.crmEventSetId)
  await page.getByLabel('Default Phone Country').fill('FR')
  await page.getByRole('button', { name: 'Test connection' }).click()
  await page.getByText('✓ Connected: the access token and the pixel ID are accepted.').waitFor()
  // The form lets go of the token once the server holds it.
  expect(await page.getByLabel('Access Token').inputValue()).toBe('')
  expect(await page.getByLabel('Access Token').getAttribute('placeholder')).toMatch(/set/)
})

it('picks the sample purchase and shows its journey: preset, hashed email, CompletePayment, masked token', async () => {
  await page.getByLabel('Bundled sample').selectOption({ label: 'purchase · web · current layout · line 14' })
  await tester().getByRole('button', { name: 'Test', exact: true }).click()
  const body = tester().locator('.request-body')
  await body.waitFor()
  const text = await body.textContent()
  expect(text).toContain('"event": "CompletePayment"')
  expect(text).toContain(`"email": "${sha('shopper13@example.com')}"`)
  expect(text).not.toMatch(/shopper13@/i)
  await tester().getByText('Matched the preset "purchase -> CompletePayment" (event = "purchase").').waitFor()
  expect(await tester().locator('.headers').textContent()).toContain('Access-Token••••')
  expect(await tester().locator('.keys li').allTextContents()).toEqual([
    'email',
    'phone',
    'external_id',
    'ttp',
    'ttclid',
    'ip_user_agent'
  ])
})

it('sends it and sees it delivered', async () => {
  s.emulator.reset()
  await tester().getByRole('button', { name: 'Send' }).click()
  await tester().getByText('Delivered: TikTok accepted the event.').waitFor()
  expect(await tester().getByText('✓ Delivered').isVisible()).toBe(true)
  expect(s.emulator.received.map((e) => e.eventId)).toEqual(['v2-purchase-1013'])
  if (SCREENSHOTS) await tester().screenshot({ path: path.join(SCREENSHOTS, 'studio.png') })
})

it('changes a mapping and sees the request body change', async () => {
  // Chosen from the presets table with the keyboard; the focus lands on the preset's fields.
  await page.getByRole('button', { name: 'Show fields of purchase -> CompletePayment' }).press('Enter')
  await page.waitForFunction(() => document.activeElement?.textContent?.startsWith('Fields of'))
  expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/purchase -> CompletePayment/)
  await page.getByLabel('Field', { exact: true }).selectOption('currency')
  await page.getByLabel('Map from').selectOption('value')
  await page.getByLabel('Value', { exact: true }).fill('USD')
  await page.getByRole('button', { name: 'Apply' }).click()
  await page.getByText('✓ Currency of purchase -> CompletePayment updated.').waitFor()
  expect(await page.locator('td[data-field="currency"]').textContent()).toContain('fixed: "USD"')
  await tester().getByRole('button', { name: 'Test', exact: true }).click()
  await page.waitForFunction(() => document.querySelector('.request-body')?.textContent?.includes('"currency": "USD"'))

  await page.getByLabel('Map from').selectOption('default')
  await page.getByRole('button', { name: 'Apply' }).click()
  await tester().getByRole('button', { name: 'Test', exact: true }).click()
  await page.waitForFunction(() => document.querySelector('.request-body')?.textContent?.includes('"currency": "EUR"'))
})

it('announces errors in words: a mapping the framework refuses, an event that is not JSON', async () => {
  await page.getByLabel('Field', { exact: true }).selectOption('value')
  await page.getByLabel('Map from').selectOption('value')
  await page.getByLabel('Value', { exact: true }).fill('abc')
  await page.getByRole('button', { name: 'Apply' }).click()
  await page.getByRole('alert').filter({ hasText: '✗ Value: "abc" is not a number' }).waitFor()

  // An event TikTok would refuse: the validation step names the field, and Send sends nothing.
  await page.getByLabel('Bundled sample').selectOption({ label: 'purchase · page layout · line 30' })
  await tester().getByRole('button', { name: 'Send' }).click()
  await tester()
    .getByRole('alert')
    .filter({ hasText: /^currency: "EURO" is not a currency TikTok accepts/ })
    .waitFor()
  await tester().getByText('Not sent: the event stopped at an earlier step.').waitFor()

  await page.getByLabel('Commanders Act event (JSON)').fill('{"event_name": ')
  // From the keyboard: the Test button is the next stop after the event.
  await page.getByLabel('Commanders Act event (JSON)').press('Tab')
  await page.keyboard.press('Enter')
  await tester().getByRole('alert').filter({ hasText: '✗ The event is not valid JSON' }).waitFor()
})

it('replays the sample file: live progress, then the summary per TikTok event, coverage and failed events', async () => {
  s.emulator.reset()
  const total = sampleLines().length
  await page.getByLabel('Events file').setInputFiles(SAMPLE_FILE)
  await page.getByRole('button', { name: 'Replay' }).click()
  await page.getByText(`${total} of ${total} events, finished`).waitFor()
  const delivered = s.emulator.received.length
  expect(delivered).toBe(total - 5)
  const totals = await page.locator('.totals').textContent()
  expect(totals?.replace(/\s+/g, ' ').trim()).toMatch(
    new RegExp(`^${total} events: ${delivered} delivered, 5 refused, in \\d+ requests\\.$`)
  )
  const row = page.locator('.replay-summary tr', { has: page.locator('th', { hasText: /^CompletePayment$/ }) })
  // The app purchase of the sample goes out as TikTok's app event Purchase, in its own row.
  expect(await row.locator('td').allTextContents()).toEqual([
    '6',
    '5',
    '1',
    expect.stringMatching(/^1 × currency: "EURO"/)
  ])
  expect(await page.locator('.coverage .bar-row').count()).toBeGreaterThan(3)
  expect(await page.getByText(/^ip_user_agent$/).isVisible()).toBe(true)
  const download = page.getByRole('link', { name: 'Download the 5 failed events' })
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
  expect(file.suggestedFilename()).toBe('failed-events.ndjson')
  const lines = readFileSync(await file.path(), 'utf8')
    .trim()
    .split('\n')
  expect(lines.map((l) => JSON.parse(l).failure.tiktokEvent).sort()).toEqual([
    '(no subscription)',
    '(unreadable)',
    'CompletePayment',
    'Lead',
    'ViewContent'
  ])
  if (SCREENSHOTS) await page.locator('#replay').screenshot({ path: path.join(SCREENSHOTS, 'studio-replay.png') })
})

it('shows the events the emulator received, newest first, filtered by name', async () => {
  const rows = page.locator('.inspector-events tbody tr')
  await page.waitForFunction(() => document.querySelectorAll('.inspector-events tbody tr').length > 10)
  await page.getByLabel('Filter by TikTok event name').fill('Lead')
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll('.inspector-events tbody th')).every((th) => th.textContent === 'Lead')
  )
  expect(await rows.count()).toBe(1)
})

it('never shows the token: not in the page, not in any answer the page received', async () => {
  expect(await page.content()).not.toContain(SECRET)
  const texts = await Promise.all(answers)
  expect(texts.length).toBeGreaterThan(10)
  for (const text of texts) expect(text).not.toContain(SECRET)
})
