import nock from 'nock'

// nock patches Node's http module for the whole jest worker, while each test file gets its own copy of nock: a copy
// left active by one file (with its net-connect rules) would answer for the next. Each file leaves a clean slate.
afterEach(() => nock.cleanAll())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
