import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { InputError } from '../../../src/common/errors.js'
import {
  LAMBDA_INPUT_NAMES,
  loadLambdaConfig,
  SECRET_ID_VARIABLE,
  SWEEP_SCHEDULE_VARIABLE,
  sweepMinutesOf,
  variableFor,
  withToken
} from '../../../src/lambda/config.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

const GOOD = {
  AWS_REGION: 'eu-west-1',
  CATEGORY: 'build',
  PROVIDER: 'GitHubActions',
  VERSION: '1',
  REPOSITORY: 'octo-org/app',
  WORKFLOW: '.github/workflows/pipeline-job.yml',
  REF: 'main',
  GITHUB_SECRET_ID: 'github-bridge'
}

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadLambdaConfig(env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

describe('loadLambdaConfig', () => {
  it("reads the dispatcher inputs from upper-cased variables, with the action's defaults", () => {
    const config = loadLambdaConfig(GOOD)
    expect(config.secretId).toBe('github-bridge')
    expect(config.settings).toEqual({
      actionType: { category: 'Build', provider: 'GitHubActions', version: '1' },
      maxBatchSize: 10,
      roundBudgetMs: 300_000,
      // The template's sweep once a minute (no SWEEP_SCHEDULE: its default) and 15 min in the queue.
      reconcile: { maxQueueMs: 15 * 60_000, sweepPeriodMs: 60_000 },
      defaults: { repository: 'octo-org/app', workflow: 'pipeline-job.yml', ref: 'main' },
      github: { apiUrl: 'https://api.github.com', serverUrl: 'https://github.com' },
      connection: { region: 'eu-west-1', endpointUrl: undefined, maxAttempts: 5 }
    })
  })

  it('takes GitHub Enterprise from GITHUB_API_URL and the numbers from MAX_BATCH_SIZE and MAX_ATTEMPTS', () => {
    const config = loadLambdaConfig({
      ...GOOD,
      GITHUB_API_URL: 'https://ghes.example.com/api/v3/',
      MAX_BATCH_SIZE: '3',
      MAX_ATTEMPTS: '2'
    })
    expect(config.settings.github).toEqual({
      apiUrl: 'https://ghes.example.com/api/v3',
      serverUrl: 'https://ghes.example.com'
    })
    expect(config.settings.maxBatchSize).toBe(3)
    expect(config.settings.connection.maxAttempts).toBe(2)
  })

  it('never takes a token from the environment: the settings have none until the secret gives one', () => {
    const config = loadLambdaConfig({ ...GOOD, GITHUB_TOKEN: 'ghp_from_env', INPUT_GITHUB_TOKEN: 'ghp_input' })
    expect(JSON.stringify(config)).not.toMatch(/ghp_|token-from-secret/)
    const source = { kind: 'app-secret', secretId: 'github/bridge' } as const
    const settings = withToken(config.settings, 'ghs_minted', source)
    expect(settings.github).toMatchObject({ token: 'ghs_minted', credentialSource: source })
  })

  it("names the variables to fix, all at once, with the action's rules", () => {
    const problems = problemsOf({
      AWS_REGION: 'eu-west-1',
      CATEGORY: 'Bild',
      VERSION: 'v 1',
      MAX_BATCH_SIZE: '500',
      MAX_ATTEMPTS: 'x',
      REPOSITORY: 'no-slash',
      WORKFLOW: 'deploy',
      GITHUB_API_URL: 'ftp://x'
    })
    expect(problems).toEqual([
      'GITHUB_SECRET_ID is required: the name or ARN of the Secrets Manager secret with GitHub credentials',
      'CATEGORY must be one of Source, Build, Deploy, Test, Invoke, Approval, Compute; got "Bild"',
      'PROVIDER is required: the provider of the custom action type, as created in CodePipeline',
      'VERSION must be 1 to 9 letters, digits, "-" or "_"; got "v 1"',
      'MAX_BATCH_SIZE must be a whole number from 1 to 100; got "500"',
      'REPOSITORY must be "owner/repo"; got "no-slash"',
      'WORKFLOW must be a workflow file name such as deploy.yml (or a workflow ID); got "deploy"',
      'GITHUB_API_URL must be an http:// or https:// URL; got "ftp://x"',
      'MAX_ATTEMPTS must be a whole number from 1 to 10; got "x"'
    ])
  })

  it('refuses a secret ID longer than Secrets Manager allows', () => {
    expect(problemsOf({ ...GOOD, GITHUB_SECRET_ID: 'x'.repeat(2049) })).toEqual([
      expect.stringMatching(/^GITHUB_SECRET_ID must be at most 2048 characters/)
    ])
  })

  it("names each input's variable as upper case with underscores", () => {
    expect(variableFor('max-batch-size')).toBe('MAX_BATCH_SIZE')
    expect(variableFor('github-api-url')).toBe('GITHUB_API_URL')
  })
})

describe('the sweep period and the queue limit', () => {
  it('reads the period from a rate() schedule; cron and no schedule mean the template default of 1 minute', () => {
    expect(sweepMinutesOf('rate(1 minute)')).toBe(1)
    expect(sweepMinutesOf('rate(5 minutes)')).toBe(5)
    expect(sweepMinutesOf('rate(2 hours)')).toBe(120)
    expect(sweepMinutesOf('rate(1 day)')).toBe(1440)
    expect(sweepMinutesOf('cron(0/5 * * * ? *)')).toBe(1)
    expect(sweepMinutesOf('')).toBe(1)
    expect(sweepMinutesOf('every minute')).toMatch(/^SWEEP_SCHEDULE must be an EventBridge schedule/)
  })

  it('turns SWEEP_SCHEDULE and MAX_QUEUE_MINUTES into the reconcile timing, and names the variable of a bad value', () => {
    const env = { CATEGORY: 'Build', PROVIDER: 'P', VERSION: '1', [SECRET_ID_VARIABLE]: 's', AWS_REGION: 'us-east-1' }
    expect(loadLambdaConfig(env).settings.reconcile).toEqual({ maxQueueMs: 15 * 60_000, sweepPeriodMs: 60_000 })
    expect(
      loadLambdaConfig({ ...env, MAX_QUEUE_MINUTES: '30', [SWEEP_SCHEDULE_VARIABLE]: 'rate(3 minutes)' }).settings
        .reconcile
    ).toEqual({ maxQueueMs: 30 * 60_000, sweepPeriodMs: 3 * 60_000 })
    expect(() => loadLambdaConfig({ ...env, MAX_QUEUE_MINUTES: '0', [SWEEP_SCHEDULE_VARIABLE]: 'soon' })).toThrow(
      /SWEEP_SCHEDULE must be an EventBridge schedule[\s\S]*MAX_QUEUE_MINUTES must be a whole number from 1 to 1440/
    )
  })

  it('names SWEEP_SCHEDULE, not an input the function has no variable for, when its period is out of range', () => {
    const env = { CATEGORY: 'Build', PROVIDER: 'P', VERSION: '1', [SECRET_ID_VARIABLE]: 's', AWS_REGION: 'us-east-1' }
    expect(problemsOf({ ...env, [SWEEP_SCHEDULE_VARIABLE]: 'rate(2 days)' })).toEqual([
      `The period of ${SWEEP_SCHEDULE_VARIABLE} must be a whole number from 1 to 1440; got "2880"`
    ])
  })
})

describe('docs/dispatch.md', () => {
  it('lists every variable the handler reads', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'dispatch.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## Running it on AWS Lambda'))
    const variables = [...LAMBDA_INPUT_NAMES.map(variableFor), SECRET_ID_VARIABLE, SWEEP_SCHEDULE_VARIABLE]
    expect(variables.filter(v => !section.includes(`\`${v}\``))).toEqual([])
  })
})
