// The worker step of `npm start`: the bundled reporting action (dist/index.js)
// run as a GitHub runner runs a step of a workflow_dispatch run: INPUT_*
// variables, file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), the event
// file and the run's context, in a child process on this Node.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { inputVariables, parseFileCommands } from './runner-protocol.js'
import { lineSplitter } from './start-story.js'

export interface WorkerStepOptions {
  readonly bundle: string
  readonly cwd: string
  /** A scratch directory the step may write to (HOME, RUNNER_TEMP, file commands). */
  readonly temp: string
  /** The step's `with:` inputs by name. */
  readonly inputs: Readonly<Record<string, string>>
  /** The workflow_dispatch payload's inputs, as the run's event file carries them. */
  readonly dispatchInputs: Readonly<Record<string, unknown>>
  readonly repository: string
  readonly sha: string
  readonly runId: string
  readonly githubApiUrl: string
  /** What configure-aws-credentials would have exported (here the emulator's dummy key). */
  readonly aws: { readonly region: string; readonly accessKeyId: string; readonly secretAccessKey: string }
  /** The server the run's links point at (GITHUB_SERVER_URL): the host of the dispatch's run URL. */
  readonly serverUrl: string
  readonly log?: (line: string) => void
}

export interface WorkerStepResult {
  readonly code: number
  /** The step's outputs (GITHUB_OUTPUT) by name. */
  readonly outputs: Record<string, string>
  /** The job summary it wrote (GITHUB_STEP_SUMMARY). */
  readonly summary: string
}

/** Runs the step as the dispatched run's one step; its log goes to `log`, or straight to the terminal. */
export async function runWorkerStep(options: WorkerStepOptions): Promise<WorkerStepResult> {
  const eventFile = path.join(options.temp, 'event.json')
  writeFileSync(
    eventFile,
    JSON.stringify({
      ref: 'refs/heads/main',
      inputs: options.dispatchInputs,
      repository: { full_name: options.repository }
    })
  )
  return runBundleAsStep({
    bundle: options.bundle,
    cwd: options.cwd,
    temp: options.temp,
    inputs: options.inputs,
    ...(options.log ? { log: options.log } : {}),
    // The run's context and what configure-aws-credentials would have exported.
    env: {
      AWS_ACCESS_KEY_ID: options.aws.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.aws.secretAccessKey,
      AWS_REGION: options.aws.region,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: options.sha,
      GITHUB_REPOSITORY: options.repository,
      GITHUB_RUN_ID: options.runId,
      GITHUB_RUN_NUMBER: '7',
      GITHUB_WORKFLOW: 'Pipeline job',
      GITHUB_SERVER_URL: options.serverUrl,
      GITHUB_API_URL: options.githubApiUrl
    }
  })
}

export interface BundleStep {
  readonly bundle: string
  readonly cwd: string
  /** A scratch directory the step may write to (HOME, RUNNER_TEMP, file commands). */
  readonly temp: string
  /** The step's `with:` inputs by name. */
  readonly inputs: Readonly<Record<string, string>>
  /** The run's context and credentials: what a runner and the steps before this one provide. */
  readonly env: Readonly<Record<string, string>>
  /** Each line the step prints (stdout and stderr); without it the step's output goes straight to the terminal. */
  readonly log?: (line: string) => void
}

/**
 * Any bundled action run as a runner runs a step: a child process on this
 * Node with only what a runner provides (no AWS profile of this machine's),
 * its inputs as INPUT_* variables and fresh file commands, its log straight
 * on the terminal. Shared by both `npm start` demos.
 */
export async function runBundleAsStep(step: BundleStep): Promise<WorkerStepResult> {
  const { temp } = step
  const files = { output: path.join(temp, 'github_output'), summary: path.join(temp, 'step_summary') }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
    HOME: temp,
    AWS_CONFIG_FILE: path.join(temp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(temp, 'no-aws-credentials'),
    // The SDK warns on Node versions before 22; runners use Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: temp,
    ...step.env,
    ...inputVariables(step.inputs)
  }
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [step.bundle], {
      cwd: step.cwd,
      env,
      stdio: ['ignore', step.log ? 'pipe' : 'inherit', step.log ? 'pipe' : 'inherit']
    })
    const { log } = step
    if (log) {
      for (const stream of [child.stdout, child.stderr]) {
        const lines = lineSplitter(log)
        stream?.setEncoding('utf8')
        stream?.on('data', (chunk: string) => lines.push(chunk))
        stream?.once('end', () => lines.flush())
      }
    }
    child.once('error', reject)
    child.once('close', exit => resolve(exit ?? 1))
  })
  return {
    code,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8').trim()
  }
}
