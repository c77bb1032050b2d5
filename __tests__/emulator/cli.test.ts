// The CLI as users run it: compiled by tsc (tools/tsconfig.json), started with
// plain node on this machine's Node and, when present, Node 24 (runtimes).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { CodePipelineClient, PollForJobsCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline'

import { bundleRuntime, describeRun, repoRoot, runAction, runtimes } from '../helpers/run-action.js'

let outDir = ''

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'emulator-cli-'))
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc')
  // Its own build info too: tools/tsconfig.json's shared one would then claim that build/ (npm start's) is current.
  const own = ['--outDir', outDir, '--tsBuildInfoFile', path.join(outDir, 'tools.tsbuildinfo')]
  await promisify(execFile)(process.execPath, [tsc, '-p', path.join(repoRoot, 'tools'), ...own])
}, 60_000)

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

/** Collects stdout and resolves once a line matching `until` has appeared. */
function waitFor(child: ChildProcess, output: { text: string }, until: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (until.test(output.text)) {
        child.stdout?.off('data', check)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', code => reject(new Error(`cli exited (${code}) before ${until}:\n${output.text}`)))
    check()
  })
}

describe.each(runtimes)('emulator CLI on %s', (_label, nodeBin) => {
  it('prints its URL, credentials and a sample job, then each call; stops on SIGTERM', async () => {
    const child = spawn(
      nodeBin,
      [path.join(outDir, 'tools', 'emulator', 'cli.js'), '--job', '--region', 'eu-north-1'],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    const output = { text: '' }
    child.stdout.on('data', (c: Buffer) => (output.text += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output.text += c.toString()))
    try {
      await waitFor(child, output, /Ctrl-C to stop/)
      const env = Object.fromEntries(
        [...output.text.matchAll(/^export (.*)$/gm)].flatMap(m =>
          (m[1] ?? '').split(' ').map(kv => kv.split('=') as [string, string])
        )
      )
      const jobId = /Sample job \(InProgress\): (\S+)/.exec(output.text)?.[1] ?? ''
      expect(env.AWS_REGION).toBe('eu-north-1')
      expect(env.AWS_ENDPOINT_URL_CODEPIPELINE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(jobId).toMatch(/^[0-9a-f-]{36}$/)

      const client = new CodePipelineClient({
        endpoint: env.AWS_ENDPOINT_URL_CODEPIPELINE,
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
        maxAttempts: 1
      })
      await client.send(new PutJobSuccessResultCommand({ jobId }))
      client.destroy()
      await waitFor(child, output, /#1 PutJobSuccessResult job=\S+ -> 200 \[sig=valid, recorded\]/)
    } finally {
      child.kill('SIGTERM')
    }
    const code = await new Promise<number | null>(resolve => {
      if (child.exitCode !== null) resolve(child.exitCode)
      else child.once('exit', c => resolve(c))
    })
    expect(code).toBe(0)
  }, 30_000)

  it('creates the sample job with the ID given by --job-id, as CI does', async () => {
    const jobId = '0f3c2a1e-5b7d-4c9e-8a6f-1d2e3f4a5b6c'
    const child = spawn(nodeBin, [path.join(outDir, 'tools', 'emulator', 'cli.js'), '--job-id', jobId], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const output = { text: '' }
    child.stdout.on('data', (c: Buffer) => (output.text += c.toString()))
    try {
      await waitFor(child, output, /Ctrl-C to stop/)
      expect(output.text).toContain(`Sample job (InProgress): ${jobId}`)
    } finally {
      child.kill('SIGTERM')
    }
  }, 30_000)

  it('--queue-job creates a Queued job the dispatcher can poll for, with its configuration', async () => {
    const jobId = '1b2c3d4e-5f60-4718-9a0b-c1d2e3f4a5b6'
    const child = spawn(
      nodeBin,
      [
        path.join(outDir, 'tools', 'emulator', 'cli.js'),
        '--queue-job',
        'Custom/Deploy/GitHubActions/2',
        '--config',
        'Repository=octo-org/app,Workflow=deploy.yml,Ref=main',
        '--job-id',
        jobId
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    const output = { text: '' }
    child.stdout.on('data', (c: Buffer) => (output.text += c.toString()))
    try {
      await waitFor(child, output, /Ctrl-C to stop/)
      expect(output.text).toContain(
        `Queued job for Custom/Deploy/GitHubActions/2: ${jobId} (Repository=octo-org/app, Workflow=deploy.yml, Ref=main)`
      )
      const url = /export AWS_ENDPOINT_URL_CODEPIPELINE=(\S+)/.exec(output.text)?.[1] ?? ''
      const client = new CodePipelineClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAEMULATOR000000000', secretAccessKey: 'emulator-secret-key-do-not-use' },
        maxAttempts: 1
      })
      const actionTypeId = {
        category: 'Deploy' as const,
        owner: 'Custom' as const,
        provider: 'GitHubActions',
        version: '2'
      }
      const polled = await client.send(new PollForJobsCommand({ actionTypeId }))
      // The project's default type is known too, with nothing queued for it.
      const other = await client.send(
        new PollForJobsCommand({ actionTypeId: { ...actionTypeId, category: 'Build', version: '1' } })
      )
      client.destroy()
      expect(polled.jobs?.map(j => [j.id, j.data?.actionConfiguration?.configuration])).toEqual([
        [jobId, { Repository: 'octo-org/app', Workflow: 'deploy.yml', Ref: 'main' }]
      ])
      expect(other.jobs).toEqual([])
      await waitFor(child, output, /#1 PollForJobs -> 200 \[sig=valid, recorded\]/)
    } finally {
      child.kill('SIGTERM')
    }
  }, 30_000)

  it('refuses a bad --port with usage and exit code 2', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(resolve => {
      const child = spawn(nodeBin, [path.join(outDir, 'tools', 'emulator', 'cli.js'), '--port', 'abc'], {
        stdio: ['ignore', 'ignore', 'pipe']
      })
      let err = ''
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      child.once('exit', c => resolve({ code: c, stderr: err }))
    })
    expect(code).toBe(2)
    expect(stderr).toContain('--port must be an integer')
    expect(stderr).toContain('Usage:')
  }, 30_000)
})

/** Runs the CLI to its end; for flags that must stop it before it listens. */
function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [path.join(outDir, 'tools', 'emulator', 'cli.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.once('exit', c => resolve({ code: c, stdout: out, stderr: err }))
  })
}

describe(`emulator CLI flags on node ${process.version}`, () => {
  it('refuses a --job-id that is not a lowercase UUID: the reason, the usage, exit 2, nothing started', async () => {
    const { code, stdout, stderr } = await runToExit(['--job-id', 'NOT-A-UUID'])
    expect(code).toBe(2)
    expect(stderr).toContain(
      "--job-id must be a lowercase UUID such as 0f3c2a1e-5b7d-4c9e-8a6f-1d2e3f4a5b6c, got 'NOT-A-UUID'"
    )
    expect(stderr).toContain('Usage: npm run emulator -- [options]')
    expect(stdout).toBe('')
  }, 30_000)

  it('--help prints every flag and exits 0', async () => {
    const { code, stdout } = await runToExit(['--help'])
    expect(code).toBe(0)
    for (const flag of ['--port', '--region', '--job ', '--queue-job', '--config', '--job-id', '--action-type']) {
      expect(stdout).toContain(flag)
    }
  }, 30_000)
})

/** Starts a compiled CLI and resolves once it says it is ready; the caller stops it. */
async function startCli(script: string, args: string[]): Promise<{ child: ChildProcess; output: { text: string } }> {
  const child = spawn(process.execPath, [path.join(outDir, 'tools', script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const output = { text: '' }
  child.stdout.on('data', (c: Buffer) => (output.text += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output.text += c.toString()))
  await waitFor(child, output, /Ctrl-C to stop/)
  return { child, output }
}

// What docs/emulator.md's "try the dispatcher" commands and CI's actions job do: the two
// CLIs, then the dispatcher bundle and the reporting bundle against them.
describe(`trying the dispatcher with the emulator and fake GitHub CLIs, bundles on ${bundleRuntime[0]}`, () => {
  it('the queued job is dispatched to the fake GitHub, then reported as succeeded', async () => {
    const jobId = '2c3d4e5f-6071-4829-8b0c-d1e2f3a4b5c6'
    const emulator = await startCli('emulator/cli.js', [
      '--queue-job',
      'Custom/Build/GitHubActions/1',
      '--config',
      'Repository=octo-org/app,Workflow=pipeline-job.yml,Ref=main',
      '--job-id',
      jobId
    ])
    const github = await startCli('fake-github/cli.js', [
      '--workflow',
      'octo-org/app:pipeline-job.yml',
      '--run-name',
      'Deploy · job ${{ inputs.job-id }}'
    ]).catch((err: unknown) => {
      emulator.child.kill('SIGTERM')
      throw err
    })
    try {
      const endpoint = /export AWS_ENDPOINT_URL_CODEPIPELINE=(\S+)/.exec(emulator.output.text)?.[1] ?? ''
      const githubUrl = /Fake GitHub API listening on (\S+)/.exec(github.output.text)?.[1] ?? ''
      const target = {
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAEMULATOR000000000', secretAccessKey: 'emulator-secret-key-do-not-use' }
      }
      const dispatcher = await runAction({
        node: bundleRuntime[1],
        script: 'dist/dispatch/index.js',
        emulator: target,
        inputs: {
          category: 'Build',
          provider: 'GitHubActions',
          version: '1',
          'github-token': 'any-token',
          'github-api-url': githubUrl,
          'endpoint-url': endpoint
        }
      })
      if (dispatcher.code !== 0) throw new Error(describeRun(dispatcher))
      expect(dispatcher.outputs).toMatchObject({ dispatched: '1', failed: '0' })
      expect(github.output.text).toMatch(
        new RegExp(
          `POST /repos/octo-org/app/actions/workflows/pipeline-job.yml/dispatches -> 200 .*"job-id":"${jobId}"`
        )
      )
      expect(github.output.text).not.toContain('any-token')
      // The dispatch started a run titled from --run-name, as GitHub titles it from the workflow's run-name.
      const listed = (await (await fetch(`${githubUrl}/repos/octo-org/app/actions/runs`)).json()) as {
        workflow_runs: { display_title: string }[]
      }
      expect(listed.workflow_runs.map(r => r.display_title)).toEqual([`Deploy · job ${jobId}`])

      const report = await runAction({
        node: bundleRuntime[1],
        emulator: target,
        inputs: { 'job-id': jobId, 'endpoint-url': endpoint, 'output-variables': 'IMAGE_TAG=v1' }
      })
      if (report.code !== 0) throw new Error(describeRun(report))
      expect(report.outputs).toMatchObject({ 'job-id': jobId, result: 'succeeded' })
      await waitFor(emulator.child, emulator.output, new RegExp(`PutJobSuccessResult job=${jobId} -> 200`))
    } finally {
      emulator.child.kill('SIGTERM')
      github.child.kill('SIGTERM')
    }
  }, 60_000)

  it('the fake GitHub CLI refuses a malformed --workflow with usage and exit code 2', async () => {
    const child = spawn(
      process.execPath,
      [path.join(outDir, 'tools', 'fake-github', 'cli.js'), '--workflow', 'app.yml'],
      {
        stdio: ['ignore', 'ignore', 'pipe']
      }
    )
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain("--workflow must be OWNER/REPO:FILE.yml, got 'app.yml'")
    expect(stderr).toContain('Usage: npm run fake-github -- [options]')
  }, 30_000)
})
