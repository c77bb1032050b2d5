// The bundles as a runner runs them: dist/dispatch/index.js and dist/index.js
// in child processes on Node 24 when present (else this machine's Node; the
// describe name says which), inputs as INPUT_* variables, against the
// CodePipeline emulator and the fake GitHub API. Covers the whole bridge:
// pipeline job -> dispatcher -> "workflow" reports -> job Succeeded.
import { existsSync } from 'node:fs'
import path from 'node:path'

import type { Env } from '../../src/common/env.js'
import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { RUN_ID, SHA } from '../helpers/constants.js'
import { htmlProblems } from '../helpers/html.js'
import { bundleRuntime, describeRun, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
/** The run-name value of the documented line, as the fake GitHub fills it in. */
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
const ARTIFACT_SECRET = 'artifact-secret-must-not-leak'
const SECRET_CONFIG = 'secret-config-must-not-leak'

/** A bundle on bundleRuntime with the runner's environment; core.debug lines reach stdout so the secret checks cover them. */
function runBundle(
  script: string,
  inputs: Record<string, string>,
  env: Env = {},
  timeoutMs?: number
): Promise<ActionRun> {
  return runAction({
    node: bundleRuntime[1],
    script,
    inputs,
    emulator: emu,
    env: { RUNNER_DEBUG: '1', ...env },
    timeoutMs
  })
}

let emu: Emulator
let github: FakeGitHub

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow('octo-org/app', 'pipeline-job.yml', { runName: RUN_NAME })
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

describe(`bundled dispatcher on ${bundleRuntime[0]}`, () => {
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
    expect(run.stdout).toMatch(
      /::warning title=ConfigurationError::Job [0-9a-f-]+: reported as failed \(ConfigurationError\): GitHub found no workflow "missing\.yml".* Cause: DispatchError: 404 /
    )
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

// The same bundle against a GitHub that accepts connections and never answers.
// Nothing is killed by hand: the step must end by itself within its time
// budget, with every job it acknowledged either dispatched or reported as
// failed, and every other job left queued (never polled) for a later round.
// The least the input allows: the poll and one wave of three jobs (docs/dispatch.md, "Time budget").
const TIMEOUT_SECONDS = 75
// Starting Node and loading the bundle, beyond the budget the step sets itself.
const START_MARGIN_MS = 5_000

const jobIdOf = (body: unknown): string => (body as { jobId: string }).jobId

describe(`bundled dispatcher on ${bundleRuntime[0]}, GitHub hanging`, () => {
  it('ends within its budget; it polls only the jobs the budget covers, and every one is reported failed', async () => {
    const ids = Array.from({ length: 5 }, () => queuedJob({ Workflow: 'pipeline-job.yml' }))
    github.hang(/dispatches$/)

    const run = await runBundle(
      'dist/dispatch/index.js',
      { ...dispatcherInputs(), 'timeout-seconds': String(TIMEOUT_SECONDS) },
      {},
      // Far beyond the budget: if the step does not end by itself, the assertions below say so.
      3 * TIMEOUT_SECONDS * 1000
    )
    const story = describeRun(run)

    expect({ code: run.code, story }).toEqual({ code: 0, story })
    expect(run.durationMs).toBeLessThan(TIMEOUT_SECONDS * 1000 + START_MARGIN_MS)

    // The budget covers the poll and one wave of three jobs: PollForJobs is asked for three.
    expect(
      emu.calls.filter(c => c.operation === 'PollForJobs').map(c => (c.body as { maxBatchSize: number }).maxBatchSize)
    ).toEqual([3])
    const acknowledged = new Set(emu.calls.filter(c => c.operation === 'AcknowledgeJob').map(c => jobIdOf(c.body)))
    expect(acknowledged.size).toBe(3)
    for (const id of ids) {
      const job = emu.getJob(id)
      if (acknowledged.has(id)) {
        expect(job?.status).toBe('Failed')
        expect(job?.result).toMatchObject({
          kind: 'failure',
          failureDetails: { type: 'SystemUnavailable', message: expect.stringMatching(/no answer within \d/) }
        })
        expect(emu.results(id)).toHaveLength(1)
      } else {
        // Never polled: still queued for a later round, not handed out and left.
        expect(job?.status).toBe('Queued')
        expect(emu.results(id)).toEqual([])
      }
    }
    // Each acknowledged job: at most the policy's 4 attempts at GitHub.
    expect(github.calls.filter(c => c.path.endsWith('/dispatches')).length).toBeLessThanOrEqual(3 * 4)

    expect(run.outputs).toMatchObject({
      seen: '3',
      dispatched: '0',
      skipped: '0',
      failed: '3',
      'rate-limit-waits': '0'
    })
    expect(run.stdout).toContain('3 job(s) seen: 0 dispatched, 0 skipped, 3 failed.')
    expect(htmlProblems(run.summary)).toEqual([])
  }, 300_000)
})

describe(`bundled dispatcher on ${bundleRuntime[0]}, foreign text in the log`, () => {
  it('a GitHub error message with a workflow command in it never starts a command line', async () => {
    const jobId = queuedJob({ Workflow: 'pipeline-job.yml' })
    github.answerNext(/dispatches$/, { status: 502, body: { message: 'Bad Gateway\n::error title=x::y' } })
    github.answerNext(/dispatches$/, { status: 404, body: { message: 'Not Found\n::error title=x::y' } })

    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs())

    expect(run.code).toBe(0)
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    // The message did reach the log (retry line and failure warning), defused.
    expect(run.stdout).toContain('::error title=x::y')
    const commandLines = run.stdout.split(/\r?\n/).filter(line => /^\s*(::|##\[)/.test(line))
    // The action's own groups, exactly as it names them, are the only other commands.
    const groups = ['::group::Dispatching jobs of Custom/Build/GitHubActions/1', '::endgroup::']
    groups.push('::group::Reconciling workflow runs', '::endgroup::')
    expect(commandLines.filter(line => !/^::(warning|debug|add-mask|set-output)/.test(line))).toEqual(groups)
    expect(run.errors).toEqual([])
    expect(htmlProblems(run.summary)).toEqual([])
  }, 60_000)
})

describe(`bundled dispatcher on ${bundleRuntime[0]}, rate limits and lost answers`, () => {
  const runsOf = (jobId: string): typeof github.runs => github.runs.filter(r => r.inputs['job-id'] === jobId)

  it('a secondary rate limit is waited out: the job is dispatched, not failed', async () => {
    const jobId = queuedJob({ Workflow: 'pipeline-job.yml' })
    github.rateLimitNext(/dispatches$/, 2)
    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs())
    expect({ code: run.code, story: describeRun(run) }).toMatchObject({ code: 0 })
    expect(run.outputs).toMatchObject({ seen: '1', dispatched: '1', failed: '0', 'rate-limit-waits': '1' })
    expect(runsOf(jobId)).toHaveLength(1)
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(run.stdout).toMatch(/rate limit is in force .*waiting 2 s, within the time budget/)
    expect(run.summary).toMatch(/rate limit was waited out 1 time\(s\)/)
  }, 60_000)

  it('a rate limit longer than the budget covers fails the job once, without waiting', async () => {
    const jobId = queuedJob({ Workflow: 'pipeline-job.yml' })
    github.rateLimitNext(/dispatches$/, 3600)
    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs())
    expect(run.code).toBe(0)
    expect(run.durationMs).toBeLessThan(30_000)
    expect(run.outputs).toMatchObject({ seen: '1', dispatched: '0', failed: '1', 'rate-limit-waits': '0' })
    expect(emu.results(jobId)).toHaveLength(1)
    expect(emu.getJob(jobId)?.result).toMatchObject({
      failureDetails: { type: 'SystemUnavailable', message: expect.stringMatching(/could not cover waiting it out/) }
    })
  }, 60_000)

  it('a dispatch that landed but whose answer was lost gives exactly one run, and the job is not failed', async () => {
    const jobId = queuedJob({ Workflow: 'pipeline-job.yml' })
    github.loseAnswers(/dispatches$/, 'reset')
    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs(), {
      GITHUB_SERVER_URL: 'https://github.example'
    })
    expect(run.code).toBe(0)
    expect(github.calls.filter(c => c.path.endsWith('/dispatches'))).toHaveLength(1)
    expect(runsOf(jobId)).toHaveLength(1)
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    expect(emu.results(jobId)).toEqual([])
    expect(JSON.parse(run.outputs.jobs ?? '[]')).toEqual([
      expect.objectContaining({ jobId, status: 'dispatched', runUrl: runsOf(jobId)[0]?.htmlUrl })
    ])
  }, 60_000)

  it('a workflow whose run title lacks the job ID gets a warning with the line to add, and the summary links the pipeline execution', async () => {
    github.addWorkflow('octo-org/app', 'plain.yml')
    queuedJob({ Workflow: 'plain.yml' })
    const run = await runBundle('dist/dispatch/index.js', dispatcherInputs())
    expect(run.code).toBe(0)
    expect(run.warnings).toContainEqual(
      expect.stringContaining(`.github/workflows/plain.yml in octo-org/app: ${RUN_NAME_LINE}`)
    )
    expect(run.summary).toContain('.github/workflows/plain.yml')
    expect(run.summary).toContain('inputs.job-id')
    const consoleUrl = `https://${emu.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/app-pipeline/executions/`
    expect(run.summary).toContain(`href="${consoleUrl}`)
    expect(run.summary).toContain(`/timeline?region=${emu.region}"`)

    expect(htmlProblems(run.summary)).toEqual([])
  }, 60_000)
})
