import { environmentCredentials } from '../../../src/codepipeline/env-credentials.js'

describe('environmentCredentials', () => {
  const pair = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }

  it('takes the key pair, the session token and a valid expiry from the environment', () => {
    expect(
      environmentCredentials({
        ...pair,
        AWS_SESSION_TOKEN: 'token',
        AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z'
      })
    ).toEqual({
      ...{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      sessionToken: 'token',
      expiration: new Date('2030-01-01T00:00:00Z')
    })
    expect(environmentCredentials({ ...pair, AWS_CREDENTIAL_EXPIRATION: 'soon' })).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret'
    })
  })

  it('leaves the choice to the default chain without a complete pair, or when a profile is named', () => {
    expect(environmentCredentials({})).toBeUndefined()
    expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' })).toBeUndefined()
    expect(environmentCredentials({ AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' })).toBeUndefined()
    // The SDK's chain prefers AWS_PROFILE over the pair: so does the client, by leaving it to the chain.
    expect(environmentCredentials({ ...pair, AWS_PROFILE: 'dev' })).toBeUndefined()
  })
})
