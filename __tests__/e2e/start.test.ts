// `npm start`, the README's first command: compiles the demo script, which
// runs the whole bridge (a queued job's STARTED event to the bundled Lambda
// handler, its dispatch to a fake GitHub that runs the bundled reporting
// action) and must exit 0 having printed every hop in order.
// The compiled script is then run again under each runtime (this machine's
// Node, and Node 24 when present): the demo runs the handler and the step on its own Node.
import { spawn } from 'node:child_process'
import path from 'node:path'

import { nodeVersion, repoRoot, runtimes } from '../helpers/run-action.js'
import { SAMPLE_SOURCE_REVISION as SOURCE_REVISION } from '../../tools/emulator/index.js'

interface Finished {
  code: number | null
  output: string
}

function run(command: string, args: string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    // A small environment: nothing from the test run (AWS_*, GITHUB_*, NODE_OPTIONS) may help it pass.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? repoRoot }
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000)
    child.once('error', reject)
    child.once('close', code => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

/** The timeline's lines: `[  12 ms] text`, in the order printed. */
function hops(output: string): { ms: number; text: string }[] {
  return [...output.matchAll(/^\[\s*(\d+) ms\] (.*)$/gm)].map(m => ({ ms: Number(m[1]), text: m[2] ?? '' }))
}

function expectDemoWorked({ code, output }: Finished): void {
  if (code !== 0) throw new Error(`exit ${String(code)}:\n${output}`)
  const jobId = /Job (\S+) is Queued in the emulator for Custom\/Build\/GitHubActions\/1 /.exec(output)?.[1] ?? ''
  expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

  // Every hop of the bridge, in this order, each with a time that never goes back.
  const timeline = hops(output)
  const expected = [
    `Job ${jobId} is Queued in the emulator for Custom/Build/GitHubActions/1 (Repository=octo-org/sample-app, Workflow=pipeline-job.yml, Ref=main), input artifact SourceOutput at revision ${SOURCE_REVISION}`,
    'STARTED event delivered to the handler',
    // The function's GitHub token, read before any job is acknowledged.
    'Secrets Manager received GetSecretValue codepipeline-github-bridge -> 200',
    'CodePipeline received #1 PollForJobs -> 200 [sig=valid, recorded]',
    `CodePipeline received #2 AcknowledgeJob job=${jobId} -> 200 [sig=valid, recorded]`,
    'workflow_dispatch arrived at the fake GitHub -> 200',
    `The run checks out source-revision ${SOURCE_REVISION}`,
    'The worker workflow runs its step',
    // The step checks the job declares no output artifacts it would leave out, then reports.
    `CodePipeline received #3 GetJobDetails job=${jobId} -> 200`,
    `CodePipeline received #4 PutJobSuccessResult job=${jobId} -> 200 [sig=valid, recorded]`,
    'Worker step finished (exit code 0)',
    `Job ${jobId} is now Succeeded in the emulator.`
  ]
  const positions = expected.map(text => timeline.findIndex(hop => hop.text.includes(text)))
  expect(positions.every(p => p >= 0)).toBe(true)
  expect(positions).toEqual([...positions].sort((a, b) => a - b))
  const times = timeline.map(hop => hop.ms)
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(
    timeline.some(hop => hop.text.startsWith('Handler returned {"seen":1,"dispatched":1,"skipped":0,"failed":0'))
  ).toBe(true)

  // Exactly one dispatch, and it carried the job's ID to the worker step.
  const dispatches = timeline.filter(hop => hop.text.startsWith('workflow_dispatch arrived'))
  expect(dispatches).toHaveLength(1)
  expect(dispatches[0]?.text).toContain(`"inputs":{"job-id":"${jobId}"`)
  expect(output).toContain(`        job-id: ${jobId}\n`)
  // The revision travels: the job's input artifact, the dispatch, the step's "revision", currentRevision.
  expect(dispatches[0]?.text).toContain(`"source-revision":"${SOURCE_REVISION}","source-artifact":"SourceOutput"`)
  expect(output).toContain(`        revision: ${SOURCE_REVISION}\n`)
  expect(output).toMatch(new RegExp(`"currentRevision": \\{\\s+"revision": "${SOURCE_REVISION}"`))
  expect(output).toContain(
    `currentRevision: ${SOURCE_REVISION}: input artifact SourceOutput -> workflow input source-revision`
  )

  // What CodePipeline received: one signed, recorded result and its body.
  expect(output.match(/PutJobSuccessResult job=/g)).toHaveLength(2) // the hop and the summary of calls
  expect(output).toMatch(/"outputVariables": \{\s+"IMAGE_TAG": "v1\.4\.2"/)
  // The step's outputs and job summary.
  expect(output).toContain(`job-id=${jobId}`)
  expect(output).toContain('result=succeeded')
  expect(output).toContain('<h2>CodePipeline job result</h2>')
  // One story: runner commands shown as a runner shows them, the handler's JSON as readable lines.
  expect(output).not.toMatch(/^::(add-mask|debug)::/m)
  expect(output).not.toMatch(/^\{"level"/m)
  expect(timeline.some(hop => hop.text.startsWith('Lambda log: Polled 1 job(s)'))).toBe(true)
  // One run end to end: the run GitHub answered the dispatch with is the one the report links.
  const runUrl = /Job \S+: started (https:\/\/\S+\/actions\/runs\/(\d+))\./.exec(output)
  expect(runUrl).not.toBeNull()
  expect(output).toContain(`GitHub started run ${runUrl?.[2] ?? ''}:`)
  expect(output).toContain(`"summary": "GitHub workflow \\"Pipeline job\\" run #7 succeeded: ${runUrl?.[1] ?? ''}"`)
  expect(output).toContain(`"externalExecutionId": "${runUrl?.[2] ?? ''}"`)
  // The job's end in the emulator: Succeeded, with the step's output variables.
  expect(output).toContain(`Job ${jobId} is now Succeeded.`)
  const variables = /^Output variables: (.*)$/m.exec(output)?.[1] ?? 'null'
  expect(JSON.parse(variables)).toEqual({
    IMAGE_TAG: 'v1.4.2',
    IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-app:v1.4.2',
    TESTS_PASSED: '128'
  })
}

it('npm start compiles the demo and shows the whole bridge: event, handler, dispatch, worker step, job Succeeded', async () => {
  expectDemoWorked(await run('npm', ['start', '--silent']))
}, 60_000)

it.each(runtimes)(
  'the compiled demo runs the handler and the worker step on %s',
  async (_label, node) => {
    // Relies on the build/ output of the test above (jest runs a file's tests in order).
    const result = await run(node, [path.join(repoRoot, 'build/tools/start.js')])
    expectDemoWorked(result)
    expect(result.output).toContain(`The worker workflow runs its step (node ${nodeVersion(node)} dist/index.js)`)
  },
  30_000
)

it('npm start -- --artifacts shows a job with an input and an output artifact, and exits 0', async () => {
  // Relies on the build/ output of the first test (jest runs a file's tests in order).
  const { code, output } = await run(process.execPath, [path.join(repoRoot, 'build/tools/start.js'), '--artifacts'])
  if (code !== 0) throw new Error(`exit ${String(code)}:\n${output}`)
  const jobId = /Job (\S+): input SourceOutput/.exec(output)?.[1] ?? ''
  expect(output).toContain(`outputs: {"artifacts":"{\\"SourceOutput\\"`)
  expect(output).toMatch(/#\d+ PutJobSuccessResult job=\S+ -> 200 \[sig=valid, recorded\]/)
  // The upload carried the store's KMS key, and the next stage sees the build.
  expect(output).toContain('x-amz-server-side-encryption: aws:kms')
  expect(output).toContain('app.js (26 bytes)')
  expect(output).toContain('VERSION (6 bytes)')
  expect(output).toContain(`Job ${jobId} is now Succeeded.`)
  // The story only: no raw runner commands, no SDK warning about the Node running the demo.
  expect(output).not.toMatch(/^\s*::(add-mask|debug)::/m)
  expect(output).not.toContain('NodeVersionSupportWarning')
}, 60_000)

it('npm start -- --verbose shows the raw lines as well: debug commands and the JSON log', async () => {
  const result = await run(process.execPath, [path.join(repoRoot, 'build/tools/start.js'), '--verbose'])
  expectDemoWorked({ ...result, output: result.output.replace(/^ {4}\{"level".*\n/gm, '') })
  expect(result.output).toMatch(/^ {4}##\[debug\]PutJobSuccessResult request: /m)
  expect(result.output).toMatch(/^ {4}\{"level":"INFO","message":"Polled 1 job/m)
  // A masked value is never shown, not even raw.
  expect(result.output).not.toContain('::add-mask::')
}, 30_000)

it('npm start -- --help prints the usage and exits 0 without running the demo', async () => {
  const { code, output } = await run(process.execPath, [path.join(repoRoot, 'build/tools/start.js'), '--help'])
  expect(code).toBe(0)
  expect(output).toContain('Usage: npm start -- [--artifacts | --lifecycle] [--verbose]')
  expect(output).toMatch(/^ {2}--artifacts {3}a job with an input and an output artifact/m)
  expect(output).not.toContain('CodePipeline emulator')
})

it('npm start with an unknown flag exits 2 naming it, without running the demo', async () => {
  const { code, output } = await run(process.execPath, [path.join(repoRoot, 'build/tools/start.js'), '--artifact'])
  expect(code).toBe(2)
  expect(output).toContain('unknown argument: --artifact')
  expect(output).not.toContain('CodePipeline emulator')
})

// The other tool commands share the flag check (tools/cli-support.ts); compiled by the first test.
it.each([
  ['bench', 'build/tools/bench/bench.js', 'Usage: npm run bench [-- --readme]'],
  ['node24', 'build/tools/node24/fetch.js', 'Usage: npm run node24']
])('npm run %s: --help exits 0 with the usage, an unknown flag exits 2 naming it', async (_name, script, usage) => {
  const help = await run(process.execPath, [path.join(repoRoot, script), '--help'])
  expect(help.code).toBe(0)
  expect(help.output).toContain(usage)
  const unknown = await run(process.execPath, [path.join(repoRoot, script), '--readmee'])
  expect(unknown.code).toBe(2)
  expect(unknown.output).toContain('unknown argument: --readmee')
  // Neither ran: no Node was fetched, no case was timed.
  expect(unknown.output).not.toMatch(/Installing|runs per case/)
})
