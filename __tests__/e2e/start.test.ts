// `npm start`, the README's first command: compiles the demo script, runs the
// bundle against the emulator and must exit 0 having printed the recorded call.
// The compiled script is then run again under each runtime (this machine's
// Node, and Node 24 when present): the demo runs the bundle on its own Node.
import { spawn } from 'node:child_process'
import path from 'node:path'

import { nodeVersion, repoRoot, runtimes } from '../helpers/run-action.js'

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

function expectDemoWorked({ code, output }: Finished): void {
  if (code !== 0) throw new Error(`exit ${String(code)}:\n${output}`)
  const jobId = /Sample job (\S+) is InProgress/.exec(output)?.[1] ?? ''
  expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  // What CodePipeline received: one signed, recorded call and its body.
  expect(output).toContain(`#1 PutJobSuccessResult job=${jobId} -> 200 [sig=valid, recorded]`)
  expect(output).toMatch(/"outputVariables": \{\s+"IMAGE_TAG": "v1\.4\.2"/)
  // The step's outputs and job summary.
  expect(output).toContain(`job-id=${jobId}`)
  expect(output).toContain('result=succeeded')
  expect(output).toContain('<h2>CodePipeline job result</h2>')
  expect(output).toContain(`Job ${jobId} is now Succeeded.`)
}

it('npm start compiles the demo, reports the sample job and exits 0', async () => {
  expectDemoWorked(await run('npm', ['start', '--silent']))
}, 60_000)

it.each(runtimes)(
  'the compiled demo runs the bundle on %s',
  async (_label, node) => {
    // Relies on the build/ output of the test above (jest runs a file's tests in order).
    const result = await run(node, [path.join(repoRoot, 'build/tools/start.js')])
    expectDemoWorked(result)
    expect(result.output).toContain(`The action's log (node ${nodeVersion(node)} dist/index.js)`)
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
}, 60_000)
