// Unit tests: the dispatcher's input checks, the constraints behind them,
// where a job is dispatched to, and what of a polled job is kept.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Job } from '@aws-sdk/client-codepipeline'
import type { Env } from '../../../src/common/env.js'
import { InputError } from '../../../src/common/errors.js'
import {
  ACTION_CATEGORIES,
  ACTION_TYPE_LENGTHS,
  ACTION_TYPE_NAME_PATTERN
} from '../../../src/codepipeline/constraints.js'
import { minimumRoundBudgetMs } from '../../../src/dispatch/round-budget.js'
import {
  MAX_BATCH_SIZE_RANGE,
  TIMEOUT_SECONDS_RANGE,
  validateDispatchInputs,
  serverUrlFor,
  type DispatchInputs
} from '../../../src/dispatch/inputs.js'
import { pickJob, type PolledJob } from '../../../src/dispatch/job.js'
import { resolveTarget } from '../../../src/dispatch/target.js'
import { JOB_ID } from '../../helpers/constants.js'
import { model } from '../../helpers/model.js'

const ENV: Env = { AWS_REGION: 'eu-west-1' }
const GOOD: DispatchInputs = { category: 'Build', provider: 'GitHubActions', version: '1', 'github-token': 'ghs_x' }

function problemsOf(inputs: DispatchInputs, env: Env = ENV): readonly string[] {
  try {
    validateDispatchInputs(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('validateDispatchInputs', () => {
  it('reads max-queue-minutes and sweep-minutes, and names each bad one with what is allowed', () => {
    expect(
      validateDispatchInputs({ ...GOOD, 'max-queue-minutes': '45', 'sweep-minutes': '10' }, ENV).settings.reconcile
    ).toEqual({ maxQueueMs: 45 * 60_000, sweepPeriodMs: 10 * 60_000 })
    expect(problemsOf({ ...GOOD, 'max-queue-minutes': '1441', 'sweep-minutes': '0.5' })).toEqual([
      '"max-queue-minutes" must be a whole number from 1 to 1440; got "1441"',
      '"sweep-minutes" must be a whole number from 1 to 1440; got "0.5"'
    ])
  })

  it('turns good inputs into settings, with defaults', () => {
    const { settings } = validateDispatchInputs(
      { ...GOOD, category: 'deploy', repository: 'octo/app', workflow: '.github/workflows/ship.yml', ref: 'main' },
      { ...ENV, GITHUB_API_URL: 'https://api.github.com' }
    )
    expect(settings).toEqual({
      actionType: { category: 'Deploy', provider: 'GitHubActions', version: '1' },
      maxBatchSize: 10,
      roundBudgetMs: 300_000,
      // 15 minutes in the queue; a schedule every 5 minutes, GitHub's shortest.
      reconcile: { maxQueueMs: 15 * 60_000, sweepPeriodMs: 5 * 60_000 },
      defaults: { repository: 'octo/app', workflow: 'ship.yml', ref: 'main' },
      github: { token: 'ghs_x', apiUrl: 'https://api.github.com', serverUrl: 'https://github.com' },
      connection: { region: 'eu-west-1', endpointUrl: undefined, maxAttempts: 5 }
    })
  })

  it('lists every problem at once, naming each input', () => {
    const problems = problemsOf(
      {
        category: 'Lambda',
        provider: 'has space',
        version: '1234567890',
        'max-batch-size': '101',
        'timeout-seconds': '30',
        repository: 'no-slash',
        workflow: 'build.sh',
        'github-api-url': 'ftp://x',
        'max-attempts': '0'
      },
      {}
    )
    expect(problems).toEqual([
      expect.stringMatching(/^"category" must be one of Source, Build, .*Compute; got "Lambda"/),
      expect.stringMatching(/^"provider" must be 1 to 35 letters/),
      expect.stringMatching(/^"version" must be 1 to 9 letters/),
      expect.stringMatching(/^"max-batch-size" must be a whole number from 1 to 100/),
      expect.stringMatching(/^"timeout-seconds" must be a whole number from 75 to 3600; got "30"/),
      expect.stringMatching(/^"repository" must be "owner\/repo"/),
      expect.stringMatching(/^"workflow" must be a workflow file name/),
      expect.stringMatching(/^"github-token" is required/),
      expect.stringMatching(/^"github-api-url" must be an http/),
      expect.stringMatching(/^"aws-region" is not set/),
      expect.stringMatching(/^"max-attempts" must be a whole number from 1 to 10/)
    ])
  })

  it('requires the action type', () => {
    expect(problemsOf({ 'github-token': 't' })).toEqual([
      expect.stringMatching(/^"category" is required/),
      expect.stringMatching(/^"provider" is required/),
      expect.stringMatching(/^"version" is required/)
    ])
  })

  it('accepts a numeric workflow ID and the batch size limits', () => {
    expect(validateDispatchInputs({ ...GOOD, workflow: '161335', 'max-batch-size': '1' }, ENV).settings).toMatchObject({
      defaults: { workflow: '161335' },
      maxBatchSize: 1
    })
    expect(validateDispatchInputs({ ...GOOD, 'max-batch-size': '100' }, ENV).settings.maxBatchSize).toBe(100)
  })

  it('takes the round budget from timeout-seconds, down to the least that can take one job', () => {
    const budget = (seconds: string): number =>
      validateDispatchInputs({ ...GOOD, 'timeout-seconds': seconds }, ENV).settings.roundBudgetMs
    expect(budget('75')).toBe(75_000)
    expect(budget('3600')).toBe(3_600_000)
    expect(TIMEOUT_SECONDS_RANGE.min).toBe(Math.ceil(minimumRoundBudgetMs() / 1000))
    for (const bad of ['74', '0', '-5', '1.5', 'five', ' ']) {
      const problems = problemsOf({ ...GOOD, 'timeout-seconds': bad })
      // A blank value falls back to the default, as for every optional number.
      if (bad.trim() === '') expect(problems).toEqual([])
      else
        expect(problems).toEqual([expect.stringMatching(/^"timeout-seconds" must be a whole number from 75 to 3600/)])
    }
  })

  it('action.yml and docs/dispatch.md state the timeout-seconds range the code enforces', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
    const range = `${TIMEOUT_SECONDS_RANGE.min}-${TIMEOUT_SECONDS_RANGE.max}`
    expect(readFileSync(path.join(root, 'dispatch/action.yml'), 'utf8')).toContain(`in seconds (${range})`)
    expect(readFileSync(path.join(root, 'docs/dispatch.md'), 'utf8')).toContain(`Time budget of one run, ${range} s`)
  })

  it.each([
    ['https://api.github.com', {}, 'https://github.com'],
    ['https://ghes.example.com/api/v3', {}, 'https://ghes.example.com'],
    ['https://api.octo.ghe.com', {}, 'https://octo.ghe.com'],
    ['https://api.github.com', { GITHUB_SERVER_URL: 'https://runner.example/' }, 'https://runner.example']
  ])('links for API %s go to the right web host', (api, env, expected) => {
    expect(serverUrlFor(api, env)).toBe(expected)
  })
})

describe('dispatch constraints match the CodePipeline model', () => {
  it('ActionCategory', () => {
    expect(model.shape('ActionCategory')).toEqual({ type: 'enum', values: [...ACTION_CATEGORIES] })
  })
  it.each(Object.entries(ACTION_TYPE_LENGTHS))('%s', (name, range) => {
    expect(model.shape(name)).toEqual({ type: 'string', length: range, pattern: ACTION_TYPE_NAME_PATTERN.source })
  })
  it('MaxBatchSize: the model sets the minimum; the maximum is our own', () => {
    expect(model.shape('MaxBatchSize')).toEqual({ type: 'integer', range: { min: MAX_BATCH_SIZE_RANGE.min } })
  })
})

function job(configuration: PolledJob['configuration'] = {}, extra: Partial<PolledJob> = {}): PolledJob {
  return { id: JOB_ID, nonce: '7', configuration, inputArtifacts: [], ...extra }
}

describe('resolveTarget', () => {
  const defaults = { repository: 'octo/default', workflow: 'default.yml', ref: 'main' }

  it('prefers the job configuration, property by property', () => {
    expect(resolveTarget(job({ Repository: 'octo/other', Ref: 'v2' }), defaults)).toEqual({
      ok: true,
      value: { repository: 'octo/other', workflow: 'default.yml', ref: 'v2' }
    })
  })

  it('names the configuration property to set when nothing gives a value', () => {
    const result = resolveTarget(job({ Repository: 'octo/app' }), {})
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('"Workflow"') })
    expect(!result.ok && result.problem).toMatch(/"Workflow" \(or the dispatcher's "workflow" input\); .*"Ref"/)
  })

  it('says which source a bad value came from', () => {
    const result = resolveTarget(job({ Workflow: 'scripts/run.sh' }), { ...defaults, repository: 'bad' })
    expect(!result.ok && result.problem).toMatch(/the dispatcher's default for "Repository" must be "owner\/repo"/)
    expect(!result.ok && result.problem).toMatch(/the action configuration property "Workflow" must be a workflow file/)
  })

  it('refuses a ref with spaces', () => {
    expect(resolveTarget(job({ Ref: 'my branch' }), defaults).ok).toBe(false)
  })
})

describe('pickJob', () => {
  const apiJob: Job = {
    id: JOB_ID,
    nonce: '42',
    accountId: '123456789012',
    data: {
      actionTypeId: { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' },
      actionConfiguration: { configuration: { Repository: ' octo/app ', Ref: '', ApiKey: 'secret-config-value' } },
      pipelineContext: {
        pipelineName: 'app',
        stage: { name: 'Build' },
        action: { name: 'Run' },
        pipelineExecutionId: 'e'
      },
      artifactCredentials: { accessKeyId: 'AKIA', secretAccessKey: 'artifact-secret', sessionToken: 'artifact-token' },
      encryptionKey: { id: 'kms-key', type: 'KMS' },
      inputArtifacts: [
        {
          name: 'SourceOutput',
          revision: 'abc123',
          location: { type: 'S3', s3Location: { bucketName: 'artifact-bucket', objectKey: 'artifact-key' } }
        }
      ],
      continuationToken: 'ct'
    }
  }

  it('keeps only what the dispatcher uses: no credentials, key or other configuration', () => {
    const picked = pickJob(apiJob)
    expect(picked).toEqual({
      id: apiJob.id,
      nonce: '42',
      pipelineName: 'app',
      pipelineExecutionId: 'e',
      stage: 'Build',
      action: 'Run',
      continuationToken: 'ct',
      configuration: { Repository: 'octo/app' },
      inputArtifacts: [{ name: 'SourceOutput', revision: 'abc123' }]
    })
    expect(JSON.stringify(picked)).not.toMatch(
      /artifact-secret|artifact-token|secret-config-value|kms-key|artifact-bucket|artifact-key/
    )
  })

  it('drops a job without an ID or nonce', () => {
    expect(pickJob({ ...apiJob, nonce: undefined })).toBeUndefined()
  })
})
