// The bundles as a runner runs them: dist/dispatch/index.js and dist/index.js
// in child processes on Node 24, inputs as INPUT_* variables, against the
// CodePipeline emulator and the fake GitHub API. Covers the whole bridge:
// pipeline job -> dispatcher -> "workflow" reports -> job Succeeded.
import { existsSync } from 'node:fs'
import path from 'node:path'

import type { Env } from '../../src/common/env.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { RUN_ID, SHA } from '../helpers/constants.js'
import { node24Path, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const ARTIFACT_SECRET = 'artifact-secret-must-not-leak'
const SECRET_CONFIG = 'secret-config-must-not-leak'

/** A bundle on Node 24 with the runner's environment; core.debug lines reach stdout so the secret checks cover them. */
function runBundle(script: string, inputs: Record<string, string>, env: Env = {}): Promise<ActionRun> {
  return runAction({ node: node24Path, script, inputs, emulator: emu, env: { RUNNER_DEBUG: '1', ...env } })
}

let emu: Emulator
let github: FakeGitHub

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow('octo-org/app', 'pipeline-job.yml')
  // Checked after the servers start, so afterEach can always close them.
  for (const bundle of ['dist/index.js', 'dist/dispatch/index.js']) {
    if (!existsSync(path.join(repoRoot, bundle))) throw new Error(`${bundle} is missing: run npm run package`)
  }
})
afterEach(async () => {
  await github.close()
  await emu.close()
})

function dispatcherInputs(): Record<string, string> {
  return {
    category: 'build',
    provider: 'GitHubActions',
    version: '1',
    'max-batch-size': '10',
    repository: 'octo-org/app',
    ref: 'main',
    'github-token': 'ghs_dispatcher',
    'github-api-url': github.url,
    'endpoint-url': emu.url,
    'max-attempts': '3'
  }
}

function queuedJob(configuration: Record<string, string>): string {
  return emu.createJob({
    status: 'Queued',
    actionTypeId: ACTION_TYPE,
    configuration: { ...configuration, ApiKey: SECRET_CONFIG },
    pipelineContext: { pipelineName: 'app-pipeline', stage: { name: 'Build' } },
    artifactCredentials: { accessKeyId: 'ASIAARTIFACT', secretAccessKey: ARTIFACT_SECRET, sessionToken: 'tok' }
  }).id
}

describe('bundled dispatcher', () => {
  it('full loop: queued job -> dispatcher -> worker reports -> job Succeeded with its output variables', async () => {
    const jobId = queuedJob({ Workflow: 'pipeline-job.yml' })

    const dispatcher = await runBundle('dist/dispatch/index.js', dispatcherInputs(), {
      GITHUB_SERVER_URL: 'https://github.example'
    })
    expect(dispatcher.code).toBe(0)
    expect(dispatcher.outputs).toMatchObject({ seen: '1', dispatched: '1', skipped: '0', failed: '0' })
    expect(JSON.parse(dispatcher.outputs.jobs ?? '')).toEqual([
      expect.objectContaining({
        jobId,
        status: 'dispatched',
        repository: 'octo-org/app',
        runUrl: 'https://github.example/octo-org/app/actions/runs/1001',
        workflowUrl: 'https://github.example/octo-org/app/actions/workflows/pipeline-job.yml'
      })
    ])
    expect(dispatcher.summary).toContain(jobId)
    expect(dispatcher.summary).toContain('href="https://github.example/octo-org/app/actions/runs/1001"')
    expect(dispatcher.stdout).toContain('::add-mask::ghs_dispatcher')
    for (const secret of [ARTIFACT_SECRET, SECRET_CONFIG]) {
      expect(
        dispatcher.stdout + dispatcher.stderr + JSON.stringify(dispatcher.outputs) + dispatcher.summary
      ).not.toContain(secret)
    }
    expect(emu.getJob(jobId)?.status).toBe('InProgress')

    // The "workflow run": what GitHub was asked to start, fed to the reporting action.
    const [call, ...others] = github.calls.filter(c => c.path.endsWith('/dispatches'))
    expect(others).toEqual([])
    const { inputs } = call?.body as { inputs: Record<string, string> }
    expect(inputs).toEqual({
      'job-id': jobId,
      'pipeline-name': 'app-pipeline',
      'pipeline-execution-id': expect.any(String),
      stage: 'Build',
      action: 'GitHubActions'
    })
    github.addCommit('octo-org/app', { sha: SHA, message: 'Ship it', committerDate: '2026-03-01T12:00:00Z' })
    const worker = await runBundle(
      'dist/index.js',
      {
        'job-id': inputs['job-id'] ?? '',
        status: 'success',
        'output-variables': JSON.stringify({ IMAGE_TAG: 'abc1234', BUILT_AT: '2026-03-01T12:05:00Z' }),
        'github-token': 'ghs_worker',
        'max-attempts': '3'
      },
      {
        'INPUT_ENDPOINT-URL': emu.url,
        GITHUB_REPOSITORY: 'octo-org/app',
        GITHUB_SHA: SHA,
        GITHUB_RUN_ID: RUN_ID,
        GITHUB_RUN_NUMBER: '42',
        GITHUB_WORKFLOW: 'CodePipeline job worker',
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_API_URL: github.url
      }
    )
    expect(worker.code).toBe(0)
    expect(worker.outputs).toMatchObject({ 'job-id': jobId, result: 'succeeded' })

    const job = emu.getJob(jobId)
    expect(job?.status).toBe('Succeeded')
    expect(job?.result).toMatchObject({
      kind: 'success',
      outputVariables: { IMAGE_TAG: 'abc1234', BUILT_AT: '2026-03-01T12:05:00Z' },
      executionDetails: { externalExecutionId: RUN_ID },
      currentRevision: { revision: SHA, revisionSummary: 'Ship it' }
    })
  }, 60_000)

  it('a job whose workflow is missing is reported failed; the step still succeeds and says so', async () => {
    const jobId = queuedJob({ Workflow: 'missing.yml' })
    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs())
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ seen: '1', dispatched: '0', failed: '1' })
    expect(run.stdout).toMatch(/::warning::Job [0-9a-f-]+: GitHub found no workflow "missing\.yml"/)
    expect(emu.getJob(jobId)).toMatchObject({
      status: 'Failed',
      result: { failureDetails: { type: 'ConfigurationError' } }
    })
  }, 30_000)

  it('fails the step with every input problem before calling anything', async () => {
    const run = await runBundle('dist/dispatch/index.js', { ...dispatcherInputs(), category: 'Lambda', version: '' })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::2 invalid inputs:.*"category" must be one of.*"version" is required/)
    expect(emu.calls).toEqual([])
  }, 30_000)
})
