import { generateKeyPairSync } from 'node:crypto'

import { parseGitHubCredentials } from '../../../src/lambda/credentials.js'

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PKCS1 = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const PKCS8 = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bridge'

function messageOf(secret: string): string {
  try {
    parseGitHubCredentials(secret, ID)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('parseGitHubCredentials', () => {
  it('reads a GitHub App (IDs as numbers or strings, PKCS#1 or PKCS#8 key) or a token', () => {
    expect(parseGitHubCredentials(JSON.stringify({ appId: 12, installationId: '34', privateKey: PKCS1 }), ID)).toEqual({
      kind: 'app',
      appId: '12',
      installationId: '34',
      privateKey: PKCS1.trim()
    })
    expect(
      parseGitHubCredentials(JSON.stringify({ appId: '12', installationId: 34, privateKey: PKCS8 }), ID)
    ).toMatchObject({
      kind: 'app',
      installationId: '34'
    })
    expect(parseGitHubCredentials('{"token": " github_pat_abc "}', ID)).toEqual({
      kind: 'token',
      token: 'github_pat_abc'
    })
  })

  it.each([
    ['PKCS#1', PKCS1],
    ['PKCS#8', PKCS8]
  ])('accepts a %s key whose newlines were pasted as \\n (or \\r\\n)', (_, pem) => {
    for (const escaped of [pem.replaceAll('\n', '\\n'), pem.replaceAll('\n', '\\r\\n')]) {
      expect(escaped).not.toContain('\n')
      const parsed = parseGitHubCredentials(JSON.stringify({ appId: 1, installationId: 2, privateKey: escaped }), ID)
      expect(parsed).toMatchObject({ kind: 'app', privateKey: pem.trim() })
    }
  })

  it('says a raw token is not JSON without quoting it', () => {
    const message = messageOf('ghp_rawsecretvalue')
    expect(message).toBe(
      `The secret "${ID}" is not JSON: store {"appId", "installationId", "privateKey"} for a GitHub App, or {"token"}.`
    )
    expect(message).not.toContain('ghp_')
  })

  it('names the keys that are wrong, never their values', () => {
    const message = messageOf(
      JSON.stringify({ appId: 'abc def', installationId: 'x1', privateKey: 'not-a-key-secret' })
    )
    expect(message).toMatch(/"appId" must be/)
    expect(message).toMatch(/"installationId" must be/)
    expect(message).toMatch(/"privateKey" must be the App's private key in PEM form/)
    expect(message).not.toMatch(/abc def|not-a-key-secret/)
  })

  it('refuses a key cut short (which OpenSSL would report opaquely)', () => {
    const message = messageOf(JSON.stringify({ appId: 1, installationId: 2, privateKey: PKCS1.slice(0, 300) }))
    expect(message).toMatch(/"privateKey" must be/)
    expect(message).not.toContain(PKCS1.slice(40, 80))
  })

  it('refuses ambiguous or empty secrets', () => {
    expect(messageOf(JSON.stringify({ token: 't0ken', appId: 1 }))).toMatch(/both "token" and GitHub App keys/)
    expect(messageOf('{}')).toMatch(/neither "token" nor GitHub App keys/)
    expect(messageOf('[1]')).toMatch(/is not a JSON object/)
    expect(messageOf(JSON.stringify({ token: 'two words' }))).toMatch(/"token" must be a GitHub token string/)
  })
})

describe('parseGitHubCredentials: webhook secrets', () => {
  it('reads webhookSecret and, during a rotation, previousWebhookSecret', () => {
    const app = { appId: 12, installationId: 34, privateKey: PKCS1 }
    expect(parseGitHubCredentials(JSON.stringify({ ...app, webhookSecret: 'w1' }), ID)).toMatchObject({
      webhook: { current: 'w1' }
    })
    expect(
      parseGitHubCredentials(JSON.stringify({ ...app, webhookSecret: 'w2', previousWebhookSecret: 'w1' }), ID)
    ).toMatchObject({ webhook: { current: 'w2', previous: 'w1' } })
    expect(parseGitHubCredentials(JSON.stringify(app), ID).webhook).toBeUndefined()
  })

  it('refuses a previous secret alone, or secrets that are not strings, without quoting them', () => {
    const app = { appId: 12, installationId: 34, privateKey: PKCS1 }
    expect(messageOf(JSON.stringify({ ...app, previousWebhookSecret: 'old-secret' }))).toMatch(
      /"previousWebhookSecret" without "webhookSecret"/
    )
    const notText = messageOf(JSON.stringify({ ...app, webhookSecret: 98765432 }))
    expect(notText).toMatch(/"webhookSecret" must be a string/)
    expect(notText).not.toContain('98765432')
  })
})
