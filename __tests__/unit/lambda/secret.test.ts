import { Deadline } from '../../../src/common/deadline.js'
import { SECRET_TTL_MS, SecretReader } from '../../../src/lambda/secret.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../../../tools/secrets-manager.js'

const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_SECRETS_MANAGER'] as const
let saved: Partial<Record<(typeof VARIABLES)[number], string>>
let sm: FakeSecretsManager

// The reader takes credentials and endpoint from the environment, as it does in Lambda.
beforeEach(async () => {
  sm = await startFakeSecretsManager()
  saved = Object.fromEntries(VARIABLES.map(v => [v, process.env[v]]))
  process.env.AWS_ACCESS_KEY_ID = sm.credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = sm.credentials.secretAccessKey
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.url
})
afterEach(async () => {
  for (const v of VARIABLES) {
    if (saved[v] === undefined) delete process.env[v]
    else process.env[v] = saved[v]
  }
  await sm.close()
})

describe('SecretReader', () => {
  it('keeps the secret for a few minutes, then reads it again so a rotation takes effect', async () => {
    let now = 1_000_000
    const seen: string[] = []
    const reader = new SecretReader(
      'bridge',
      { region: sm.region, maxAttempts: 1 },
      { now: () => now, onSecret: v => seen.push(v) }
    )
    sm.putSecret('bridge', '{"token":"github_pat_first_value"}')
    expect(await reader.read(new Deadline(10_000))).toEqual({ kind: 'token', token: 'github_pat_first_value' })
    sm.putSecret('bridge', '{"token":"github_pat_rotated_value"}')
    now += SECRET_TTL_MS - 1
    expect(await reader.read(new Deadline(10_000))).toMatchObject({ token: 'github_pat_first_value' })
    now += 2
    expect(await reader.read(new Deadline(10_000))).toMatchObject({ token: 'github_pat_rotated_value' })
    expect(sm.calls.map(c => [c.secretId, c.signature, c.status])).toEqual([
      ['bridge', 'valid', 200],
      ['bridge', 'valid', 200]
    ])
    // Every value read is handed to the log's mask: the whole string and the token in it.
    expect(seen).toEqual(expect.arrayContaining(['github_pat_first_value', 'github_pat_rotated_value']))
  })

  it("names the secret and the service's error when it cannot be read", async () => {
    const reader = new SecretReader('missing', { region: sm.region, maxAttempts: 1 })
    await expect(reader.read(new Deadline(10_000))).rejects.toThrow(
      'Could not read the secret "missing": ResourceNotFoundException: Secrets Manager can\'t find the specified secret.'
    )
  })
})
