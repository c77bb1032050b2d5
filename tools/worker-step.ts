// The worker step of `npm start`: the bundled reporting action (dist/index.js)
// run as a GitHub runner runs a step of a workflow_dispatch run: INPUT_*
// variables, file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), the event
// file and the run's context, in a child process on this Node.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { inputVariables, parseFileCommands } from './runner-protocol.js'

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
}

export interface WorkerStepResult {
  readonly code: number
  /** The step's outputs (GITHUB_OUTPUT) by name. */
  readonly outputs: Record<string, string>
  /** The job summary it wrote (GITHUB_STEP_SUMMARY). */
  readonly summary: string
}

/** Runs the step; its log goes straight to the terminal, as a runner would show it. */
export async function runWorkerStep(options: WorkerStepOptions): Promise<WorkerStepResult> {
  const { temp } = options
  const files = {
    output: path.join(temp, 'github_output'),
    summary: path.join(temp, 'step_summary'),
    event: path.join(temp, 'event.json')
  }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(
    files.event,
    JSON.stringify({
      ref: 'refs/heads/main',
      inputs: options.dispatchInputs,
      repository: { full_name: options.repository }
    })
  )
  // Only what a runner provides: the inputs, file commands, context and credentials.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
    HOME: temp,
    AWS_CONFIG_FILE: path.join(temp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(temp, 'no-aws-credentials'),
    AWS_ACCESS_KEY_ID: options.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.aws.secretAccessKey,
    AWS_REGION: options.aws.region,
    // The SDK warns on Node versions before 22; runners use Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: options.sha,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_RUN_ID: options.runId,
    GITHUB_RUN_NUMBER: '7',
    GITHUB_WORKFLOW: 'Pipeline job',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubApiUrl,
    RUNNER_TEMP: temp,
    ...inputVariables(options.inputs)
  }
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [options.bundle], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'inherit', 'inherit']
    })
    child.once('error', reject)
    child.once('close', exit => resolve(exit ?? 1))
  })
  return {
    code,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8').trim()
  }
}
