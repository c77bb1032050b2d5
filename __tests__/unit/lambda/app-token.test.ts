import { generateKeyPairSync } from 'node:crypto'

import { Deadline } from '../../../src/common/deadline.js'
import { AppTokens, LAMBDA_MAX_TIMEOUT_MS, REFRESH_BEFORE_EXPIRY_MS } from '../../../src/lambda/app-token.js'
import { startFakeGitHub, type FakeApp, type FakeGitHub } from '../../helpers/fake-github.js'

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const credentials = {
  kind: 'app' as const,
  appId: '42',
  installationId: '99',
  privateKey: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
}

let github: FakeGitHub
let app: FakeApp
beforeEach(async () => {
  github = await startFakeGitHub()
  app = github.addApp({
    appId: '42',
    installationId: '99',
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  })
})
afterEach(() => github.close())

describe('AppTokens', () => {
  it('mints once, then reuses the token until a few minutes before the expiry GitHub gave', async () => {
    let now = Date.now()
    const masked: string[] = []
    const tokens = new AppTokens({ apiUrl: github.url, now: () => now, onToken: t => masked.push(t) })
    const deadline = new Deadline(30_000)
    const first = await tokens.token(credentials, deadline)
    expect(await tokens.token(credentials, deadline)).toBe(first)
    expect(github.minted.map(t => t.token)).toEqual([first])
    expect(masked).toEqual([first])

    const expiresAt = Date.parse(github.minted[0]?.expiresAt ?? '')
    now = expiresAt - REFRESH_BEFORE_EXPIRY_MS - 1_000
    expect(await tokens.token(credentials, deadline)).toBe(first)
    now = expiresAt - REFRESH_BEFORE_EXPIRY_MS + 1_000
    const second = await tokens.token(credentials, deadline)
    expect(second).not.toBe(first)
    expect(github.minted).toHaveLength(2)
  })

  it("trusts GitHub's expiry over the library's 59 minutes: a short-lived token is minted again", async () => {
    app.tokenLifetimeMs = REFRESH_BEFORE_EXPIRY_MS - 60_000
    const tokens = new AppTokens({ apiUrl: github.url })
    await tokens.token(credentials, new Deadline(30_000))
    await tokens.token(credentials, new Deadline(30_000))
    expect(github.minted).toHaveLength(2)
  })

  it("keeps a cached token only while it outlasts the longest invocation the function's timeout allows", () => {
    // The template's FunctionTimeout allows up to 900 s, Lambda's own maximum.
    expect(LAMBDA_MAX_TIMEOUT_MS).toBe(900_000)
    expect(REFRESH_BEFORE_EXPIRY_MS).toBeGreaterThan(LAMBDA_MAX_TIMEOUT_MS)
  })

  it('mints again after forget() (GitHub refused the token), and explains a suspended installation', async () => {
    const tokens = new AppTokens({ apiUrl: github.url })
    const first = await tokens.token(credentials, new Deadline(30_000))
    tokens.forget()
    expect(await tokens.token(credentials, new Deadline(30_000))).not.toBe(first)
    app.suspended = true
    tokens.forget()
    await expect(tokens.token(credentials, new Deadline(30_000))).rejects.toThrow(
      /installation 99 \(403 .*suspended\): the installation may be suspended/
    )
  })

  it('mints again for another installation (a rotated secret)', async () => {
    github.addApp({ ...app, installationId: '100' })
    const tokens = new AppTokens({ apiUrl: github.url })
    await tokens.token(credentials, new Deadline(30_000))
    await tokens.token({ ...credentials, installationId: '100' }, new Deadline(30_000))
    expect(github.minted.map(t => t.installationId)).toEqual(['99', '100'])
  })

  it('says which secret keys to check when GitHub refuses', async () => {
    const tokens = new AppTokens({ apiUrl: github.url })
    await expect(tokens.token({ ...credentials, appId: '43' }, new Deadline(30_000))).rejects.toThrow(
      /App 43, installation 99 \(401 .*check the secret's "appId" and "privateKey"/
    )
    await expect(tokens.token({ ...credentials, installationId: '7' }, new Deadline(30_000))).rejects.toThrow(
      /404 .*check the secret's "installationId"/
    )
  })
})
