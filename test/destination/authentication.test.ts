import nock from 'nock'
import { InvalidAuthenticationError } from '@segment/actions-core'
import { interceptTikTok, PIXEL, settings, testDestination, TOKEN } from '../helpers'

const TRACK = '/open_api/v1.3/pixel/track/'

afterEach(() => nock.cleanAll())

describe('testAuthentication', () => {
  it('passes when TikTok accepts token and pixel (and refuses the deliberately empty event)', async () => {
    const { scope, captured } = interceptTikTok(TRACK, {
      code: 40002,
      message: 'event: Missing data for required field',
      request_id: 'a1'
    })
    await expect(testDestination().testAuthentication(settings())).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
    // Nothing a pixel would record: no event name at all.
    expect(captured.body).toEqual({ pixel_code: PIXEL })
    expect(captured.headers['access-token']).toBe(TOKEN)
  })

  it('fails with a message about the token when TikTok says it is invalid', async () => {
    interceptTikTok(TRACK, { code: 40105, message: 'Access token is invalid or has been revoked', request_id: 'a2' })
    const error = await testDestination()
      .testAuthentication(settings())
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(/access token is invalid or revoked/i)
    expect((error as Error).message).not.toContain(TOKEN)
  })

  it('fails with a message about the pixel when the token has no permission on it', async () => {
    interceptTikTok(TRACK, { code: 40001, message: `No permission to operate pixel code: ${PIXEL}`, request_id: 'a3' })
    const error = await testDestination()
      .testAuthentication(settings())
      .catch((e: Error) => e)
    expect((error as Error).message).toMatch(/no permission on the pixel.*TikTok Pixel ID setting/)
  })

  it('reports an outage as such, not as bad credentials', async () => {
    interceptTikTok(TRACK, '<html>502</html>', 502, { 'content-type': 'text/html' })
    const error = await testDestination()
      .testAuthentication(settings())
      .catch((e: Error) => e)
    expect(error).not.toBeInstanceOf(InvalidAuthenticationError)
    expect((error as Error).message).toMatch(/HTTP 502/)
  })
})
