// `npm start`: the action end to end on one machine, no AWS account needed.
// Starts the local CodePipeline emulator with a job waiting for its result,
// runs the committed bundle (dist/index.js) against it exactly as a GitHub
// runner runs a step, then shows what CodePipeline received, the step's
// outputs and its job summary. Exits 0 only if the job ended Succeeded.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { startEmulator, type Emulator } from './emulator/index.js'
import { startArtifactDemo } from './start-artifacts.js'
import { inputVariables, parseFileCommands } from './runner-protocol.js'

// Compiled to build/tools/start.js; the repository root is two levels up either way.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const bundle = path.join(repoRoot, 'dist', 'index.js')

const SAMPLE_SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8'
const SAMPLE_REPOSITORY = 'octo-org/sample-app'
const SAMPLE_RUN_ID = '1234567890'

/** The step as a workflow would write it, shown before it runs. */
const SAMPLE_OUTPUT_VARIABLES = {
  IMAGE_TAG: 'v1.4.2',
  IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-app:v1.4.2',
  TESTS_PASSED: '128'
}

function heading(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

function runStep(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    // The step's log goes straight to the terminal, as a runner would show it.
    const child = spawn(process.execPath, [bundle], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] })
    child.once('error', reject)
    child.once('close', code => resolve(code ?? 1))
  })
}

async function main(): Promise<number> {
  if (!existsSync(bundle)) {
    console.error(`${bundle} is missing: run "npm ci" in a clean checkout (dist/ is committed), or "npm run package".`)
    return 1
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), 'codepipeline-job-worker-start-'))
  let emulator: Emulator | undefined
  try {
    emulator = await startEmulator()
    const job = emulator.createJob({ pipelineContext: { pipelineName: 'sample-pipeline' } })
    console.log(`CodePipeline emulator listening on ${emulator.url} (region ${emulator.region})`)
    console.log(`Sample job ${job.id} is ${job.status} in pipeline "${job.data.pipelineContext.pipelineName}".`)

    const files = {
      output: path.join(temp, 'github_output'),
      summary: path.join(temp, 'step_summary'),
      event: path.join(temp, 'event.json')
    }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    // A push event: its head_commit gives the revision's date and message without a GitHub API call.
    writeFileSync(
      files.event,
      JSON.stringify({
        ref: 'refs/heads/main',
        head_commit: {
          id: SAMPLE_SHA,
          timestamp: new Date().toISOString(),
          message: 'Add the image build to the pipeline'
        }
      })
    )

    const inputs: Record<string, string> = {
      'job-id': job.id,
      status: 'success',
      'output-variables': JSON.stringify(SAMPLE_OUTPUT_VARIABLES),
      'endpoint-url': emulator.url
    }
    heading('The step')
    console.log('- uses: <this action>')
    console.log('  with:')
    for (const [name, value] of Object.entries(inputs)) console.log(`    ${name}: ${value}`)

    // Only what a runner provides: the inputs, file commands, context and
    // credentials (here the emulator's dummy key, as configure-aws-credentials would export).
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: temp,
      AWS_CONFIG_FILE: path.join(temp, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(temp, 'no-aws-credentials'),
      AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
      AWS_REGION: emulator.region,
      // The SDK warns on Node versions before 22; runners use Node 24.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: SAMPLE_SHA,
      GITHUB_REPOSITORY: SAMPLE_REPOSITORY,
      GITHUB_RUN_ID: SAMPLE_RUN_ID,
      GITHUB_RUN_NUMBER: '7',
      GITHUB_WORKFLOW: 'Build',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      RUNNER_TEMP: temp,
      ...inputVariables(inputs)
    }

    heading(`The action's log (node ${process.version} dist/index.js)`)
    const code = await runStep(env)
    console.log(`(exit code ${code})`)

    heading('What CodePipeline received')
    console.log(emulator.formatCalls())
    for (const call of emulator.results(job.id)) {
      console.log(`${call.operation} request body:`)
      console.log(JSON.stringify(call.body, null, 2))
    }

    heading('Step outputs (GITHUB_OUTPUT)')
    const outputs = Object.entries(parseFileCommands(readFileSync(files.output, 'utf8')))
    if (outputs.length === 0) console.log('(none)')
    for (const [name, value] of outputs) console.log(`${name}=${value}`)

    heading('Job summary (GITHUB_STEP_SUMMARY, Markdown/HTML)')
    console.log(readFileSync(files.summary, 'utf8').trim() || '(empty)')

    const status = emulator.getJob(job.id)?.status
    heading('Result')
    console.log(`Job ${job.id} is now ${status ?? 'unknown'}.`)
    return code === 0 && status === 'Succeeded' ? 0 : 1
  } finally {
    await emulator?.close()
    rmSync(temp, { recursive: true, force: true })
  }
}

// `npm start -- --artifacts` shows a job with an input and an output artifact instead.
;(process.argv.includes('--artifacts') ? startArtifactDemo(repoRoot) : main()).then(
  code => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 1
  }
)
