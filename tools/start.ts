// `npm start`: the whole bridge on one machine, no AWS account or GitHub needed.
// A job waits in the local CodePipeline emulator for the custom action type;
// CodePipeline's STARTED event for it goes to the bundled Lambda handler
// (dist/lambda/index.js, loaded in this process with the environment a
// deployment gives it and its GitHub token in a fake Secrets Manager); the
// handler polls, acknowledges and dispatches the worker workflow to a local
// fake GitHub, which "runs" the workflow's step: the bundled reporting action
// (dist/index.js) with the job ID from the dispatch's inputs. Every hop is
// printed with its time since the event. Exits 0 only if the job ended Succeeded.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { WORKFLOW_INPUT_NAMES } from '../src/dispatch/workflow-inputs.js'
import { checkFlags } from './cli-support.js'
import {
  DEFAULT_ACTION_TYPE_ID,
  formatActionType,
  formatCall,
  SAMPLE_SOURCE_REVISION,
  sourceArtifact,
  startEmulator,
  type Emulator,
  type Job
} from './emulator/index.js'
import { startFakeGitHub, type FakeGitHub, type GitHubCall } from './fake-github/server.js'
import { startFakeSecretsManager, type FakeSecretsManager } from './secrets-manager.js'
import { startArtifactDemo } from './start-artifacts.js'
import { stepPrinter, withSummarisedLogs } from './start-story.js'
import { startLifecycleDemo } from './start-lifecycle.js'
import { runWorkerStep, type WorkerStepResult } from './worker-step.js'

// Compiled to build/tools/start.js; the repository root is two levels up either way.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const reportBundle = path.join(repoRoot, 'dist', 'index.js')
const lambdaBundle = path.join(repoRoot, 'dist', 'lambda', 'index.js')

/** The commit the pipeline carries: its source action's revision, in the job's input artifact. */
const SAMPLE_SHA = SAMPLE_SOURCE_REVISION
/** The branch's head when the run starts: a commit landed after the pipeline began, which the run must not build. */
const BRANCH_HEAD_SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
const SAMPLE_REPOSITORY = 'octo-org/sample-app'
const SAMPLE_WORKFLOW = 'pipeline-job.yml'
const SECRET_ID = 'codepipeline-github-bridge'
// A placeholder: the fake GitHub accepts any token, and a real one never appears in a log.
const SAMPLE_TOKEN = 'github_pat_demo_not_a_real_token'
// A round takes a job only with 75 s of budget left: give the invocation what a deployed function has.
const FUNCTION_TIMEOUT_MS = 120_000

/** The worker step as the dispatched workflow writes it, shown before it runs. */
const SAMPLE_OUTPUT_VARIABLES = {
  IMAGE_TAG: 'v1.4.2',
  IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-app:v1.4.2',
  TESTS_PASSED: '128'
}

/** The part of Lambda's context the handler reads: its request ID and version go into every log line. */
interface LambdaContext {
  readonly awsRequestId: string
  readonly functionVersion: string
  getRemainingTimeInMillis(): number
}
type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>

function heading(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

/** Prints each hop of the bridge with the milliseconds since the STARTED event. */
function timeline(): { hop(text: string): void; start(): void } {
  let origin = performance.now()
  return {
    start: () => void (origin = performance.now()),
    hop: text => console.log(`[${String(Math.round(performance.now() - origin)).padStart(5)} ms] ${text}`)
  }
}

/** The pipeline execution of the sample job. */
const EXECUTION_ID = '0f1e2d3c-0000-4000-8000-000000000002'

/** CodePipeline's EventBridge event for a custom action starting, as a rule delivers it. */
/** CodePipeline's STARTED event for the job's own action execution (the same pipeline, execution, stage and action). */
function startedEvent(emulator: Emulator, job: Job): Record<string, unknown> {
  const { pipelineName: pipeline, pipelineExecutionId, stage, action } = job.data.pipelineContext
  const { owner, category, provider, version } = DEFAULT_ACTION_TYPE_ID
  return {
    version: '0',
    id: '6a7e8f00-0000-4000-8000-000000000001',
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: emulator.accountId,
    time: new Date().toISOString(),
    region: emulator.region,
    resources: [`arn:aws:codepipeline:${emulator.region}:${emulator.accountId}:${pipeline}`],
    detail: {
      pipeline,
      'execution-id': pipelineExecutionId,
      stage: stage.name,
      action: action.name,
      state: 'STARTED',
      region: emulator.region,
      type: { owner, category, provider, version }
    }
  }
}

/** The dispatched job's ID, when this call is a workflow_dispatch that carried one. */
function dispatchedJobId(call: GitHubCall): string | undefined {
  if (call.method !== 'POST' || !call.path.endsWith('/dispatches')) return undefined
  const body = call.body
  if (typeof body !== 'object' || body === null || !('inputs' in body)) return undefined
  const inputs = body.inputs
  if (typeof inputs !== 'object' || inputs === null || !('job-id' in inputs)) return undefined
  return typeof inputs['job-id'] === 'string' ? inputs['job-id'] : undefined
}

/** The run GitHub started for a dispatch, from its answer (`return_run_details`). */
function startedRun(answer: unknown): { id: string; serverUrl: string } | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined
  const { workflow_run_id: id, html_url: url } = answer as Record<string, unknown>
  if (typeof id !== 'number' || typeof url !== 'string') return undefined
  return { id: String(id), serverUrl: new URL(url).origin }
}

/** Loads the handler as Lambda would at a cold start: its settings must be in the environment first. */
async function loadHandler(env: Record<string, string>): Promise<LambdaHandler> {
  Object.assign(process.env, env)
  const module: unknown = await import(pathToFileURL(lambdaBundle).href)
  const handler = typeof module === 'object' && module !== null && 'handler' in module ? module.handler : undefined
  if (typeof handler !== 'function') throw new Error(`${lambdaBundle} does not export a handler function`)
  return handler as LambdaHandler
}

async function main(verbose: boolean): Promise<number> {
  for (const bundle of [reportBundle, lambdaBundle]) {
    if (!existsSync(bundle)) {
      console.error(
        `${bundle} is missing: run "npm ci" in a clean checkout (dist/ is committed), or "npm run package".`
      )
      return 1
    }
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), 'codepipeline-job-worker-start-'))
  const { hop, start } = timeline()
  let emulator: Emulator | undefined
  let github: FakeGitHub | undefined
  let secrets: FakeSecretsManager | undefined
  let step: Promise<WorkerStepResult> | undefined
  try {
    emulator = await startEmulator({
      onCall: call => hop(`CodePipeline received ${formatCall(call)}`)
    })
    const aws = { region: emulator.region, ...emulator.credentials }
    const emulatorUrl = emulator.url
    github = await startFakeGitHub({
      onCall: (call, status, answer) => {
        const jobId = dispatchedJobId(call)
        if (jobId === undefined) return hop(`GitHub received ${call.method} ${call.path} -> ${status}`)
        hop(`workflow_dispatch arrived at the fake GitHub -> ${status}: inputs ${JSON.stringify(call.body)}`)
        const run = startedRun(answer)
        if (status >= 300 || step !== undefined || run === undefined) return
        hop(`GitHub started run ${run.id}: the worker workflow's run, which reports to CodePipeline`)
        const dispatched = (call.body as { inputs: Record<string, unknown> }).inputs
        // As examples/worker.yml does: check out source-revision, then report the commit checked out.
        const checkedOut =
          typeof dispatched['source-revision'] === 'string' ? dispatched['source-revision'] : BRANCH_HEAD_SHA
        hop(
          `The run checks out source-revision ${checkedOut} (actions/checkout, ref: \${{ inputs.source-revision }}), ` +
            `not the head of main, ${BRANCH_HEAD_SHA}, which landed after the pipeline started`
        )
        // The dispatched workflow's report step: the job's result, for the revision it built.
        const inputs: Record<string, string> = {
          'job-id': jobId,
          status: 'success',
          revision: checkedOut,
          'output-variables': JSON.stringify(SAMPLE_OUTPUT_VARIABLES),
          'endpoint-url': emulatorUrl,
          'github-token': SAMPLE_TOKEN
        }
        hop(`The worker workflow runs its step (node ${process.version} dist/index.js):`)
        console.log('    - uses: <this action>\n      with:')
        for (const [name, value] of Object.entries(inputs)) console.log(`        ${name}: ${value}`)
        step = runWorkerStep({
          bundle: reportBundle,
          cwd: repoRoot,
          temp,
          inputs,
          dispatchInputs: dispatched,
          repository: SAMPLE_REPOSITORY,
          // The run was dispatched on main: GITHUB_SHA is the branch's head, not the pipeline's commit.
          sha: BRANCH_HEAD_SHA,
          // The run GitHub answered with: the report links the same run on the same server.
          runId: run.id,
          serverUrl: run.serverUrl,
          log: stepPrinter(verbose),
          // The step reads its commit from the same fake GitHub (started by the time a call arrives).
          githubApiUrl: github?.url ?? '',
          aws
        })
      }
    })
    // The sample workflow follows the run-title convention (docs/run-title.md), as the examples do.
    github.addWorkflow(SAMPLE_REPOSITORY, SAMPLE_WORKFLOW, {
      // It declares every input the bridge sends, as examples/worker.yml does: GitHub refuses any other.
      inputs: WORKFLOW_INPUT_NAMES,
      runName: 'Deploy · job ${{ inputs.job-id }} · pipeline ${{ inputs.pipeline-name }} · stage ${{ inputs.stage }}'
    })
    secrets = await startFakeSecretsManager({
      onCall: call =>
        hop(
          `Secrets Manager received ${call.target.replace(/^secretsmanager\./, '')} ${call.secretId ?? ''} -> ${call.status}`
        )
    })
    secrets.putSecret(SECRET_ID, JSON.stringify({ token: SAMPLE_TOKEN }))

    heading('The bridge on this machine')
    console.log(`CodePipeline emulator  ${emulator.url} (region ${emulator.region})`)
    console.log(`Fake GitHub API        ${github.url} (workflow ${SAMPLE_REPOSITORY}/${SAMPLE_WORKFLOW})`)
    console.log(`Fake Secrets Manager   ${secrets.url} (secret "${SECRET_ID}": {"token": "..."})`)

    const functionEnv: Record<string, string> = {
      CATEGORY: DEFAULT_ACTION_TYPE_ID.category,
      PROVIDER: DEFAULT_ACTION_TYPE_ID.provider,
      VERSION: DEFAULT_ACTION_TYPE_ID.version,
      REPOSITORY: SAMPLE_REPOSITORY,
      WORKFLOW: SAMPLE_WORKFLOW,
      REF: 'main',
      GITHUB_API_URL: github.url,
      MAX_BATCH_SIZE: '10',
      MAX_ATTEMPTS: '2',
      GITHUB_SECRET_ID: SECRET_ID,
      AWS_REGION: emulator.region,
      AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_CODEPIPELINE: emulator.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      // Nothing from this machine's AWS profile may take part.
      AWS_CONFIG_FILE: path.join(temp, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(temp, 'no-aws-credentials'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
    }
    console.log('\nThe function (dist/lambda/index.js) is configured as a deployment would configure it:')
    for (const name of ['CATEGORY', 'PROVIDER', 'VERSION', 'REPOSITORY', 'WORKFLOW', 'REF', 'GITHUB_SECRET_ID']) {
      console.log(`  ${name}=${functionEnv[name] ?? ''}`)
    }
    const loadStart = performance.now()
    const handler = await withSummarisedLogs(
      verbose,
      line => console.log(line),
      () => loadHandler(functionEnv)
    )
    console.log(`Handler loaded (cold start) in ${Math.round(performance.now() - loadStart)} ms.`)

    heading('The bridge, hop by hop (ms since the STARTED event)')
    const pipeline = 'sample-pipeline'
    const job = emulator.createJob({
      status: 'Queued',
      actionTypeId: DEFAULT_ACTION_TYPE_ID,
      configuration: { Repository: SAMPLE_REPOSITORY, Workflow: SAMPLE_WORKFLOW, Ref: 'main' },
      // What the pipeline's source action produced: the commit this execution carries.
      inputArtifacts: [sourceArtifact(SAMPLE_SHA)],
      // The action execution the STARTED event below announces.
      pipelineContext: {
        pipelineName: pipeline,
        stage: { name: 'Build' },
        action: { name: 'GitHubActions', actionExecutionId: '0f1e2d3c-0000-4000-8000-000000000003' },
        pipelineExecutionId: EXECUTION_ID
      }
    })
    const event = startedEvent(emulator, job)
    start()
    hop(
      `Job ${job.id} is ${job.status} in the emulator for ${formatActionType(DEFAULT_ACTION_TYPE_ID)} ` +
        `(Repository=${SAMPLE_REPOSITORY}, Workflow=${SAMPLE_WORKFLOW}, Ref=main), ` +
        `input artifact SourceOutput at revision ${SAMPLE_SHA}`
    )
    hop('CodePipeline emits the STARTED event (EventBridge: aws.codepipeline, Action Execution State Change)')
    const deadline = Date.now() + FUNCTION_TIMEOUT_MS
    hop('STARTED event delivered to the handler')
    const result = await withSummarisedLogs(verbose, hop, () =>
      handler(event, {
        awsRequestId: randomUUID(),
        functionVersion: '$LATEST',
        getRemainingTimeInMillis: () => deadline - Date.now()
      })
    )
    hop(`Handler returned ${JSON.stringify(result)}`)
    if (step === undefined) {
      console.error('No workflow_dispatch reached the fake GitHub: the worker step never ran.')
      return 1
    }
    const worker = await step
    hop(`Worker step finished (exit code ${worker.code})`)
    const finished = emulator.getJob(job.id)
    hop(`Job ${job.id} is now ${finished?.status ?? 'unknown'} in the emulator.`)

    heading('What CodePipeline received')
    console.log(emulator.formatCalls())
    for (const call of emulator.results(job.id)) {
      console.log(`${call.operation} request body:`)
      console.log(JSON.stringify(call.body, null, 2))
    }

    heading('Worker step outputs (GITHUB_OUTPUT)')
    const outputs = Object.entries(worker.outputs)
    if (outputs.length === 0) console.log('(none)')
    for (const [name, value] of outputs) console.log(`${name}=${value}`)

    heading('Job summary (GITHUB_STEP_SUMMARY, Markdown/HTML)')
    console.log(worker.summary || '(empty)')

    heading('Result')
    const variables = finished?.result?.kind === 'success' ? finished.result.outputVariables : undefined
    console.log(`Job ${job.id} is now ${finished?.status ?? 'unknown'}.`)
    console.log(`Output variables: ${JSON.stringify(variables ?? {})}`)
    const reported = finished?.result?.kind === 'success' ? revisionOf(finished.result.currentRevision) : undefined
    console.log(
      `currentRevision: ${reported ?? '(none)'}: input artifact SourceOutput -> workflow input source-revision -> ` +
        `checkout -> the report's "revision"${reported === SAMPLE_SHA ? ', the commit the pipeline carries' : ''}`
    )
    return worker.code === 0 && finished?.status === 'Succeeded' && reported === SAMPLE_SHA ? 0 : 1
  } finally {
    await step?.catch(() => undefined)
    await Promise.all([emulator?.close(), github?.close(), secrets?.close()])
    rmSync(temp, { recursive: true, force: true })
  }
}

/** The `revision` of a recorded currentRevision. */
function revisionOf(currentRevision: unknown): string | undefined {
  if (typeof currentRevision !== 'object' || currentRevision === null || !('revision' in currentRevision))
    return undefined
  return typeof currentRevision.revision === 'string' ? currentRevision.revision : undefined
}

/** What a scene gets: the repository root and whether to show raw lines too. */
interface SceneContext {
  readonly repoRoot: string
  readonly verbose: boolean
}

/**
 * `npm start`'s scenes, one flag each; the first is the default. A new scene
 * is a module exporting `(context) => Promise<exit code>` and one line here.
 */
const SCENES: readonly { flag: string; about: string; run: (context: SceneContext) => Promise<number> }[] = [
  {
    flag: '',
    about: "a STARTED event to the Lambda handler, its dispatch, the worker step's report",
    run: ({ verbose }) => main(verbose)
  },
  {
    flag: '--artifacts',
    about: 'a job with an input and an output artifact, against a local S3 store',
    run: context => startArtifactDemo(context.repoRoot, context.verbose)
  },
  {
    flag: '--lifecycle',
    about: 'a run that dies without reporting and the sweep that fails its job; a stopped execution cancels its run',
    run: context => startLifecycleDemo(context.repoRoot, context.verbose)
  }
]

const USAGE = [
  `Usage: npm start -- [${SCENES.filter(s => s.flag)
    .map(s => s.flag)
    .join(' | ')}] [--verbose]`,
  '',
  ...SCENES.map(s => `  ${(s.flag || '(no flag)').padEnd(14)}${s.about}`),
  `  ${'--verbose'.padEnd(14)}also show the raw runner commands and the handler's JSON log lines`,
  `  ${'--help'.padEnd(14)}show this help`
].join('\n')

const flags = checkFlags(process.argv.slice(2), [...SCENES.map(s => s.flag).filter(Boolean), '--verbose'], USAGE)
const chosen = SCENES.filter(s => s.flag && flags.has(s.flag))
if (chosen.length > 1) {
  console.error(`choose one scene: ${chosen.map(s => s.flag).join(' or ')}`)
  process.exit(2)
}
const scene = chosen[0] ?? SCENES[0]
// The SDK's warning about this machine's Node (< 22) is not part of the story; runners use Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
;(scene ? scene.run({ repoRoot, verbose: flags.has('--verbose') }) : Promise.resolve(1)).then(
  code => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 1
  }
)
