// The revision the pipeline carries, end to end with the bundles: the job's
// input artifact revision goes out as the workflow input source-revision
// (bundled dispatcher and bundled Lambda handler), the action configuration's
// "Inputs" arrive as workflow inputs or fail the job as ConfigurationError
// with nothing dispatched, a workflow that declares only the older inputs
// still starts, and the reporting action, run with the inputs the example
// workflows give it, reports that revision as currentRevision.
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { jest } from '@jest/globals'
import { parse } from 'yaml'

import type { Env } from '../../src/common/env.js'
import { RUN_NAME_LINE } from '../../src/dispatch/run-title.js'
import { WORKFLOW_INPUT_NAMES } from '../../src/dispatch/workflow-inputs.js'
import { sourceArtifact, startEmulator, type Emulator, type JobInit } from '../../tools/emulator/index.js'
import { startFakeSecretsManager, type FakeSecretsManager } from '../../tools/secrets-manager.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { startCheckoutContainer, type LambdaContainer } from '../helpers/lambda-host.js'
import { bundleRuntime, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js'
import { decodedText } from '../helpers/html.js'
import { actionExecutionEvent } from '../../tools/lambda-host/codepipeline-events.js'

jest.setTimeout(60_000)

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
const RUN_NAME = RUN_NAME_LINE.replace(/^run-name: "(.*)"$/, '$1')
const SECRET_ID = 'github-bridge'
const EXECUTION_ID = 'e1e2e3e4-0000-4000-8000-000000000000'
/** The commit the pipeline carries (X), and the branch's head when the run starts. */
const SOURCE_REVISION = '1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c'
const BRANCH_HEAD = 'ffffeeeeddddccccbbbbaaaa9999888877776666'
/** The six inputs today's workers declare: a worker from before source-revision. */
const OLDER_INPUTS = WORKFLOW_INPUT_NAMES.slice(0, 6)

let emu: Emulator
let github: FakeGitHub
let secrets: FakeSecretsManager
let containers: LambdaContainer[] = []

/** The workflow_dispatch inputs an example workflow declares. */
function declaredInputs(example: string): string[] {
  const workflow = parse(readFileSync(path.join(repoRoot, 'examples', example), 'utf8')) as {
    on: { workflow_dispatch: { inputs: Record<string, unknown> } }
  }
  return Object.keys(workflow.on.workflow_dispatch.inputs)
}

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  secrets = await startFakeSecretsManager()
  secrets.putSecret(SECRET_ID, JSON.stringify({ token: 'ghs_function' }))
  // The example worker as copied, plus the input a user added for "Inputs"; and a worker from before.
  github.addWorkflow('octo-org/app', 'pipeline-job.yml', {
    runName: RUN_NAME,
    inputs: [...declaredInputs('worker.yml'), 'environment']
  })
  github.addWorkflow('octo-org/app', 'older-worker.yml', { runName: RUN_NAME, inputs: OLDER_INPUTS })
})
afterEach(async () => {
  await Promise.all(containers.map(c => c.close()))
  containers = []
  await Promise.all([emu.close(), github.close(), secrets.close()])
})

function queuedJob(configuration: Record<string, string>, init: Partial<JobInit> = {}): string {
  return emu.createJob({
    status: 'Queued',
    actionTypeId: ACTION_TYPE,
    configuration: { Workflow: 'pipeline-job.yml', ...configuration },
    pipelineContext: {
      pipelineName: 'app-pipeline',
      stage: { name: 'Build' },
      action: { name: 'GitHubActions', actionExecutionId: 'a1' },
      pipelineExecutionId: EXECUTION_ID
    },
    inputArtifacts: [sourceArtifact(SOURCE_REVISION)],
    ...init
  }).id
}

function dispatches(): { inputs: Record<string, string> }[] {
  return github.calls
    .filter(c => c.method === 'POST' && c.path.endsWith('/dispatches'))
    .map(c => c.body as { inputs: Record<string, string> })
}

function runDispatcher(): Promise<ActionRun> {
  return runAction({
    node: bundleRuntime[1],
    script: 'dist/dispatch/index.js',
    inputs: {
      category: 'build',
      provider: 'GitHubActions',
      version: '1',
      repository: 'octo-org/app',
      ref: 'main',
      'github-token': 'ghs_dispatcher',
      'github-api-url': github.url,
      'endpoint-url': emu.url,
      'max-attempts': '2'
    },
    emulator: emu
  })
}

async function coldStart(): Promise<LambdaContainer> {
  const container = await startCheckoutContainer({
    env: {
      CATEGORY: 'Build',
      PROVIDER: 'GitHubActions',
      VERSION: '1',
      REPOSITORY: 'octo-org/app',
      WORKFLOW: 'pipeline-job.yml',
      REF: 'main',
      GITHUB_API_URL: github.url,
      MAX_BATCH_SIZE: '10',
      MAX_ATTEMPTS: '2',
      GITHUB_SECRET_ID: SECRET_ID,
      AWS_ENDPOINT_URL_CODEPIPELINE: emu.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url
    },
    region: emu.region,
    credentials: emu.credentials
  })
  containers.push(container)
  return container
}

function startedEvent(): Record<string, unknown> {
  return actionExecutionEvent(emu, EXECUTION_ID)
}

function failureOf(jobId: string): { type?: string; message?: string } | undefined {
  const result = emu.getJob(jobId)?.result
  return result?.kind === 'failure' ? (result.failureDetails as { type?: string; message?: string }) : undefined
}

const BAD_INPUTS = '{"environment": "prod", "job-id": "forged"}'

describe(`bundled dispatcher on ${bundleRuntime[0]}`, () => {
  it('a job whose input artifact has revision X dispatches with source-revision X, and "Inputs" arrive as inputs', async () => {
    const config = { name: 'ConfigOutput', revision: 'v-object-version', location: sourceArtifact('x').location }
    const jobId = queuedJob(
      { Inputs: '{"environment": "production"}', SourceArtifact: 'SourceOutput' },
      { inputArtifacts: [config, sourceArtifact(SOURCE_REVISION)] }
    )
    const run = await runDispatcher()
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ dispatched: '1', failed: '0' })
    expect(dispatches()).toEqual([
      {
        ref: 'main',
        return_run_details: true,
        inputs: expect.objectContaining({
          'job-id': jobId,
          'source-revision': SOURCE_REVISION,
          'source-artifact': 'SourceOutput',
          environment: 'production'
        }) as unknown
      }
    ])
    expect(github.runs).toHaveLength(1)
  })

  it('a bad "Inputs" fails the job as ConfigurationError naming the property, and nothing is dispatched', async () => {
    const jobId = queuedJob({ Inputs: BAD_INPUTS })
    const run = await runDispatcher()
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ dispatched: '0', failed: '1' })
    expect(dispatches()).toEqual([])
    expect(emu.getJob(jobId)?.status).toBe('Failed')
    expect(failureOf(jobId)).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(/"Inputs": "job-id" is one of the inputs the bridge sends itself/) as unknown
    })
  })

  it('a worker that declares only the older inputs still starts, once, with a warning naming the declarations to add', async () => {
    const jobId = queuedJob({ Workflow: 'older-worker.yml' })
    const run = await runDispatcher()
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ dispatched: '1', failed: '0' })
    expect(dispatches().map(d => Object.keys(d.inputs))).toEqual([
      [...OLDER_INPUTS.filter(n => n !== 'continuation-token'), 'source-revision', 'source-artifact'],
      OLDER_INPUTS.filter(n => n !== 'continuation-token')
    ])
    expect(github.runs).toHaveLength(1)
    expect(emu.getJob(jobId)?.status).toBe('InProgress')
    const warning =
      /does not declare the input\(s\) source-revision, source-artifact.*Declare source-revision, source-artifact under on\.workflow_dispatch\.inputs/
    expect(run.warnings).toEqual([expect.stringMatching(warning)])
    expect(decodedText(run.summary)).toMatch(warning)
    expect(JSON.parse(run.outputs.jobs ?? '[]')).toEqual([
      expect.objectContaining({ jobId, status: 'dispatched', droppedInputs: ['source-revision', 'source-artifact'] })
    ])
  })

  it('an "Inputs" value the workflow does not declare fails the job as ConfigurationError; no run starts', async () => {
    const jobId = queuedJob({ Workflow: 'older-worker.yml', Inputs: '{"environment": "production"}' })
    const run = await runDispatcher()
    expect(run.outputs).toMatchObject({ dispatched: '0', failed: '1' })
    expect(github.runs).toHaveLength(0)
    expect(failureOf(jobId)).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(
        /does not declare the input\(s\) environment that the action configuration property "Inputs" sets/
      ) as unknown
    })
  })
})

describe(`bundled Lambda handler on ${bundleRuntime[0]}`, () => {
  it('dispatches source-revision X and the "Inputs" values; a bad "Inputs" fails its job with nothing dispatched', async () => {
    const good = queuedJob({ Inputs: '{"environment": "staging"}' })
    const bad = queuedJob({ Inputs: BAD_INPUTS })
    const fn = await coldStart()
    const result = await fn.invoke(startedEvent())
    expect(result).toMatchObject({ ok: true, result: { seen: 2, dispatched: 1, failed: 1 } })
    expect(dispatches()).toEqual([
      expect.objectContaining({
        inputs: expect.objectContaining({
          'job-id': good,
          'source-revision': SOURCE_REVISION,
          environment: 'staging'
        }) as unknown
      })
    ])
    expect(failureOf(bad)).toMatchObject({ type: 'ConfigurationError' })
  })

  it('an older worker: dispatched without the undeclared inputs, warned in the log and counted in a metric', async () => {
    queuedJob({ Workflow: 'older-worker.yml' })
    const fn = await coldStart()
    const result = await fn.invoke(startedEvent())
    expect(result).toMatchObject({ ok: true, result: { dispatched: 1, failed: 0 } })
    expect(github.runs).toHaveLength(1)
    const lines = result.logs.map(line => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringMatching(/does not declare the input\(s\) source-revision, source-artifact/) as unknown
      })
    )
    expect(lines).toContainEqual(expect.objectContaining({ JobsDispatchedWithoutUndeclaredInputs: 1 }))
  })
})

/**
 * The report step of an example workflow with its `${{ }}` expressions filled
 * in as a runner would for this run: `inputs.*` from the dispatch, the
 * checkout's `commit` output from what it checked out, `job.status` (or the
 * build job's result) success.
 * An expression not known here fails the test, so an example that changes
 * how it reports is noticed.
 */
function reportStepInputs(
  example: string,
  dispatched: Readonly<Record<string, string>>,
  checkedOut: string,
  omit: readonly string[] = []
): Record<string, string> {
  const workflow = parse(readFileSync(path.join(repoRoot, 'examples', example), 'utf8')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>
  }
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps)
  const report = steps.find(s => s.uses?.includes('/codepipeline-job-worker@') && s.with && 'status' in s.with)
  if (!report?.with) throw new Error(`${example} has no report step`)
  const known: Record<string, string> = {
    'job.status': 'success',
    'steps.checkout.outputs.commit': checkedOut,
    'toJSON(steps.build.outputs)': '{}',
    // build-and-deploy.yml reports from a job of its own, after the build job.
    "needs.build.result == 'success' && 'success' || 'failure'": 'success',
    'toJSON(needs.build.outputs)': '{}',
    'env.CONTINUE_WITH': ''
  }
  const evaluate = (expression: string): string => {
    const input = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expression)?.[1]
    if (input !== undefined) return dispatched[input] ?? ''
    const value = known[expression]
    if (value === undefined) throw new Error(`${example}: no value for \${{ ${expression} }}`)
    return value
  }
  return Object.fromEntries(
    Object.entries(report.with)
      .filter(([name]) => !omit.includes(name))
      .map(([name, value]) => [
        name,
        String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => evaluate(expression))
      ])
  )
}

function runReport(inputs: Record<string, string>, dispatched: Record<string, string>, env: Env = {}) {
  return runAction({
    node: bundleRuntime[1],
    script: 'dist/index.js',
    inputs: { ...inputs, 'endpoint-url': emu.url },
    // The run was dispatched on main: its GITHUB_SHA is the branch's head, not the pipeline's commit.
    // The bridge's App dispatched it: the examples' expected-actor.
    env: { GITHUB_SHA: BRANCH_HEAD, GITHUB_REPOSITORY: 'octo-org/app', GITHUB_ACTOR: 'my-bridge[bot]', ...env },
    event: { ref: 'refs/heads/main', inputs: dispatched },
    emulator: emu
  })
}

describe('the reporting action, run as the example workflows run it', () => {
  // build-and-deploy.yml's output artifact is left out here: report-artifacts.test.ts moves artifacts.
  it.each([
    ['worker.yml', []],
    ['build-and-deploy.yml', ['output-artifacts']],
    ['long-running.yml', []]
  ] as const)(
    '%s: the Lambda dispatches a job carrying X, and the run reports X as currentRevision',
    async (example, omit) => {
      const jobId = queuedJob({})
      const fn = await coldStart()
      expect(await fn.invoke(startedEvent())).toMatchObject({ ok: true, result: { dispatched: 1 } })
      const [dispatch] = dispatches()
      const dispatched = dispatch?.inputs ?? {}
      expect(dispatched['source-revision']).toBe(SOURCE_REVISION)

      // actions/checkout with `ref: ${{ inputs.source-revision }}` checks out X; its `commit` output is X.
      const inputs = reportStepInputs(example, dispatched, dispatched['source-revision'] ?? BRANCH_HEAD, omit)
      const run = await runReport(inputs, dispatched)
      expect(run.code).toBe(0)
      expect(emu.getJob(jobId)?.status).toBe('Succeeded')
      expect(emu.getJob(jobId)?.result).toMatchObject({ currentRevision: { revision: SOURCE_REVISION } })
      expect(run.warnings).toEqual([])
      expect(run.summary).not.toContain('[!WARNING]')
    }
  )

  it('a run that reports another commit than source-revision says so in its job summary and log', async () => {
    const jobId = queuedJob({})
    const fn = await coldStart()
    await fn.invoke(startedEvent())
    const dispatched = dispatches()[0]?.inputs ?? {}
    // A worker from before: it checked out the branch and leaves "revision" to its default, GITHUB_SHA.
    github.addCommit('octo-org/app', { sha: BRANCH_HEAD, message: 'Newer', committerDate: '2026-03-01T12:00:00Z' })
    const run = await runReport({ 'job-id': jobId, status: 'success', 'github-token': 'ghs_worker' }, dispatched, {
      GITHUB_API_URL: github.url
    })
    expect(run.code).toBe(0)
    expect(emu.getJob(jobId)?.result).toMatchObject({ currentRevision: { revision: BRANCH_HEAD } })
    const said = new RegExp(
      `reports revision ${BRANCH_HEAD}, but the pipeline carries ${SOURCE_REVISION} \\(the revision of its input artifact SourceOutput\\) for this job`
    )
    expect(run.warnings).toEqual([expect.stringMatching(said)])
    expect(decodedText(run.summary)).toMatch(said)
  })
})
