// End-to-end: a job with artifacts, as a workflow would run it. The input
// artifacts bundle extracts the source, the "build" writes a folder, the
// reporting bundle (dist/index.js) uploads it as the job's output artifact
// and reports. Then the next stage's view: the uploaded zip, read back from
// the S3 store and compared byte for byte. And every way it can go wrong:
// missing or extra artifacts, an upload the store refuses, a failure report.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { startArtifactStore, type ArtifactStore } from '../../tools/artifact-store/index.js'
import { startEmulator, type Emulator, type Job, type RecordedCall } from '../../tools/emulator/index.js'
import { createArtifactJob, getObject, jobSecrets, secretsInLog } from '../helpers/artifact-job.js'
import { describeRun, runAction, type ActionRun } from '../helpers/run-action.js'
import { craftZip, readZip } from '../helpers/zip.js'

const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'

let emu: Emulator
let store: ArtifactStore
let workspace: string

beforeAll(async () => {
  ;[emu, store] = await Promise.all([startEmulator(), startArtifactStore()])
})
afterAll(async () => {
  await Promise.all([emu.close(), store.close()])
})
beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'report-artifacts-'))
})
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function step(script: string, job: Job, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    script,
    emulator: emu,
    inputs: { 'job-id': job.id, 'endpoint-url': emu.url, ...inputs },
    env: { AWS_ENDPOINT_URL_S3: store.url, GITHUB_WORKSPACE: workspace, RUNNER_DEBUG: '1' },
    timeoutMs: 60_000
  })
}

const report = (job: Job, inputs: Record<string, string>): Promise<ActionRun> => step('dist/index.js', job, inputs)

function onlyResult(job: Job, run: ActionRun): RecordedCall {
  const results = emu.results(job.id)
  if (results.length !== 1) throw new Error(`expected one result, got ${results.length}\n${describeRun(run)}`)
  return results[0] as RecordedCall
}

function outputKey(job: Job, name: string): string {
  const artifact = job.data.outputArtifacts.find(a => a.name === name)
  if (!artifact) throw new Error(`job has no output artifact ${name}`)
  return artifact.location.s3Location.objectKey
}

/** Each secret is masked, and appears in no other line, debug included. */
function expectNoSecrets(job: Job, run: ActionRun): void {
  const { masked, shown } = secretsInLog(job, `${run.stdout}\n${run.stderr}`)
  expect(masked).toEqual(jobSecrets(job))
  expect(shown).toEqual([])
}

/** Files under a folder, by path with "/" separators. */
function filesIn(folder: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (const entry of readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) for (const [k, v] of filesIn(folder, name)) out.set(k, v)
    else out.set(name, readFileSync(path.join(folder, name)))
  }
  return out
}

function storeWrites(since: number, key: string): typeof store.requests {
  return store.requests.slice(since).filter(r => r.method !== 'GET' && r.url.includes(key))
}

it('source zip in, build folder out: the next stage reads the build byte for byte, under the job key and KMS', async () => {
  const source = craftZip([
    { name: 'app/main.c', data: 'int main(void) { return 0; }\n' },
    { name: 'app/VERSION', data: '1.4.2\n' }
  ])
  const job = await createArtifactJob(emu, store, {
    inputs: [{ name: 'SourceOutput', revision: 'abc123', content: source }],
    outputs: ['BuildOutput'],
    encryptionKey: { id: KMS_KEY, type: 'KMS' }
  })
  const fetched = await step('dist/artifacts/index.js', job, { path: workspace })
  expect(fetched.code).toBe(0)

  // The "build": reads the source, writes a folder with text and binary files.
  const version = readFileSync(path.join(workspace, 'SourceOutput', 'app', 'VERSION'), 'utf8').trim()
  const build = path.join(workspace, 'out')
  mkdirSync(path.join(build, 'bin'), { recursive: true })
  mkdirSync(path.join(build, 'empty'))
  writeFileSync(path.join(build, 'bin', 'app'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256)))
  writeFileSync(path.join(build, 'version.txt'), `built ${version}\n`)

  const since = store.requests.length
  const run = await report(job, { 'output-artifacts': 'BuildOutput=out', 'output-variables': 'VERSION=1.4.2' })
  expect(run.code).toBe(0)
  const result = onlyResult(job, run)
  expect(result.operation).toBe('PutJobSuccessResult')
  expect((result.body as { outputVariables?: unknown }).outputVariables).toEqual({ VERSION: '1.4.2' })

  const uploaded = await getObject(store, outputKey(job, 'BuildOutput'))
  const entries = await readZip(uploaded!)
  expect([...entries.keys()].sort()).toEqual(['bin/app', 'version.txt'])
  for (const [name, content] of filesIn(build)) expect(entries.get(name)?.equals(content)).toBe(true)

  const writes = storeWrites(since, outputKey(job, 'BuildOutput'))
  expect(writes.length).toBeGreaterThan(0)
  expect(writes.every(w => w.accessKeyId === job.data.artifactCredentials.accessKeyId)).toBe(true)
  expect(writes[0]?.encryption).toEqual({
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': KMS_KEY
  })
  // Every part was stored before CodePipeline got the result.
  expect(writes.every(w => w.status === 200 && w.at > 0 && w.at <= result.at)).toBe(true)
  expectNoSecrets(job, fetched)
  expectNoSecrets(job, run)
}, 90_000)

it('uploads a .zip file as it is, with aws:kms and no key ID when the store has no key', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['Package'] })
  const zip = craftZip([{ name: 'a.txt', data: 'a' }])
  writeFileSync(path.join(workspace, 'package.zip'), zip)
  const since = store.requests.length
  const run = await report(job, { 'output-artifacts': JSON.stringify({ Package: 'package.zip' }) })
  expect(run.code).toBe(0)
  expect(onlyResult(job, run).operation).toBe('PutJobSuccessResult')
  expect((await getObject(store, outputKey(job, 'Package')))?.equals(zip)).toBe(true)
  expect(storeWrites(since, outputKey(job, 'Package'))[0]?.encryption).toEqual({
    'x-amz-server-side-encryption': 'aws:kms'
  })
}, 60_000)

describe('names must be exactly the declared output artifacts, checked before any upload', () => {
  it.each([
    ['a declared artifact missing', ['BuildOutput', 'Reports'], 'BuildOutput=out', 'missing Reports'],
    ['an extra artifact', ['BuildOutput'], 'BuildOutput=out\nExtra=out', 'not declared by the job: Extra']
  ])(
    '%s',
    async (_label, declared, given, problem) => {
      const job = await createArtifactJob(emu, store, { outputs: declared })
      mkdirSync(path.join(workspace, 'out'))
      writeFileSync(path.join(workspace, 'out', 'x'), 'x')
      const since = store.requests.length
      const run = await report(job, { 'output-artifacts': given })
      expect(run.code).toBe(1)
      const result = onlyResult(job, run)
      expect(result.operation).toBe('PutJobFailureResult')
      const details = (result.body as { failureDetails: { type: string; message: string } }).failureDetails
      expect(details.type).toBe('ConfigurationError')
      expect(details.message).toContain(problem)
      expect(details.message).toContain(`the pipeline expects exactly ${declared.join(', ')}`)
      expect(run.errors.join('\n')).toContain(problem)
      expect(store.requests.slice(since)).toEqual([])
    },
    60_000
  )
})

it('an upload the store keeps refusing turns the report into a failure naming the artifact', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
  mkdirSync(path.join(workspace, 'out'))
  writeFileSync(path.join(workspace, 'out', 'x'), 'x')
  const key = outputKey(job, 'BuildOutput')
  store.refuse(r => r.method !== 'GET' && r.url.includes(key))
  try {
    const run = await report(job, { 'output-artifacts': 'BuildOutput=out', 'max-attempts': '2' })
    expect(run.code).toBe(1)
    const result = onlyResult(job, run)
    expect(result.operation).toBe('PutJobFailureResult')
    const details = (result.body as { failureDetails: { type: string; message: string } }).failureDetails
    expect(details).toMatchObject({ type: 'JobFailed' })
    expect(details.message).toMatch(/^Output artifact BuildOutput could not be uploaded: /)
    expect(run.errors.join('\n')).toContain('Output artifact BuildOutput could not be uploaded')
    expect(await getObject(store, key)).toBeUndefined()
    // Retried before giving up.
    expect(store.requests.filter(r => r.url.includes(key) && r.status === 503).length).toBeGreaterThanOrEqual(2)
    expectNoSecrets(job, run)
  } finally {
    store.refuse(undefined)
  }
}, 60_000)

it('a path that does not exist is a failure naming the artifact, not a success', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
  const run = await report(job, { 'output-artifacts': 'BuildOutput=missing' })
  expect(run.code).toBe(1)
  const result = onlyResult(job, run)
  expect(result.operation).toBe('PutJobFailureResult')
  expect(JSON.stringify(result.body)).toContain(
    'Output artifact BuildOutput could not be uploaded: missing does not exist'
  )
}, 60_000)

it('with status failure nothing is uploaded and the job details are not even read', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
  mkdirSync(path.join(workspace, 'out'))
  const since = store.requests.length
  const run = await report(job, { status: 'failure', 'output-artifacts': 'BuildOutput=out' })
  expect(run.code).toBe(0)
  expect(onlyResult(job, run).operation).toBe('PutJobFailureResult')
  expect(store.requests.slice(since)).toEqual([])
  expect(emu.calls.filter(c => c.operation === 'GetJobDetails' && JSON.stringify(c.body).includes(job.id))).toEqual([])
}, 60_000)

it('refuses paths outside the workspace before any call', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
  const calls = emu.calls.length
  const run = await report(job, { 'output-artifacts': `BuildOutput=../elsewhere\nOther=${os.tmpdir()}` })
  expect(run.code).toBe(1)
  expect(run.errors.join('\n')).toContain(
    '"output-artifacts" path of BuildOutput must be relative to the workspace and inside it; got "../elsewhere"'
  )
  expect(run.errors.join('\n')).toContain('"output-artifacts" path of Other must be relative to the workspace')
  expect(emu.calls.length).toBe(calls)
  const git = await report(job, { 'output-artifacts': 'BuildOutput=.git/hooks' })
  expect(git.code).toBe(1)
  expect(git.errors.join('\n')).toContain(
    `"output-artifacts" path of BuildOutput must not be in git's own folder (.git)`
  )
  expect(emu.calls.length).toBe(calls)
}, 60_000)

it('every write carries aws:kms, the multipart create included, when the store has no key', async () => {
  const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
  mkdirSync(path.join(workspace, 'out'))
  // Incompressible and over one 8 MiB part: a multipart upload.
  writeFileSync(path.join(workspace, 'out', 'blob'), randomBytes(12 * 1024 * 1024))
  const since = store.requests.length
  const run = await report(job, { 'output-artifacts': 'BuildOutput=out' })
  expect(run.code).toBe(0)
  const writes = storeWrites(since, outputKey(job, 'BuildOutput'))
  const create = writes.filter(w => w.method === 'POST' && w.url.includes('uploads') && !w.url.includes('uploadId'))
  expect(create).toHaveLength(1)
  // S3 takes the encryption settings of a multipart upload from its create; parts carry none.
  const puts = writes.filter(w => w.method === 'PUT' && !w.url.includes('partNumber'))
  for (const w of [...create, ...puts]) expect(w.encryption).toEqual({ 'x-amz-server-side-encryption': 'aws:kms' })
}, 90_000)

describe('a job that declares output artifacts', () => {
  it('fails listing them when "output-artifacts" is left out', async () => {
    const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput', 'Reports'] })
    const run = await report(job, {})
    expect(run.code).toBe(1)
    const result = onlyResult(job, run)
    expect(result.operation).toBe('PutJobFailureResult')
    const details = (result.body as { failureDetails: { type: string; message: string } }).failureDetails
    expect(details.type).toBe('ConfigurationError')
    expect(details.message).toContain(
      'The job declares output artifacts BuildOutput, Reports, but "output-artifacts" is not given'
    )
    expect(run.errors.join('\n')).toContain('BuildOutput, Reports')
  }, 60_000)

  it('is not checked for a continuation: the outputs come with the final result', async () => {
    const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
    const run = await report(job, { 'continuation-token': 'step-2' })
    expect(run.code).toBe(0)
    expect(onlyResult(job, run).operation).toBe('PutJobSuccessResult')
    expect(emu.calls.filter(c => c.operation === 'GetJobDetails' && JSON.stringify(c.body).includes(job.id))).toEqual(
      []
    )
  }, 60_000)

  it('succeeds as asked with "output-artifacts-elsewhere: true", without even reading the job', async () => {
    const job = await createArtifactJob(emu, store, { outputs: ['BuildOutput'] })
    const run = await report(job, { 'output-artifacts-elsewhere': 'true' })
    expect(run.code).toBe(0)
    expect(onlyResult(job, run).operation).toBe('PutJobSuccessResult')
    expect(emu.calls.filter(c => c.operation === 'GetJobDetails' && JSON.stringify(c.body).includes(job.id))).toEqual(
      []
    )
  }, 60_000)

  it('a GetJobDetails that hangs stays inside "timeout-seconds": a warning, then the report as asked', async () => {
    const job = await createArtifactJob(emu, store, { outputs: [] })
    // One hang: the check gives up at its share of the budget and is not retried.
    emu.injectFault({ operation: 'GetJobDetails', kind: 'delay', ms: 120_000 })
    const started = Date.now()
    const run = await report(job, { 'timeout-seconds': '6' })
    const took = Date.now() - started
    if (run.code !== 0) throw new Error(describeRun(run))
    expect(onlyResult(job, run).operation).toBe('PutJobSuccessResult')
    expect(run.warnings.join('\n')).toContain("Could not check the job's declared output artifacts")
    // Half the budget for the check, the rest for the report: well under the 120 s the hang would take.
    expect(took).toBeLessThan(30_000)
  }, 60_000)
})

describe('output paths that lead out of the workspace through a symlink are refused, nothing uploaded', () => {
  let outside: string
  beforeEach(() => {
    outside = mkdtempSync(path.join(os.tmpdir(), 'outside-'))
    mkdirSync(path.join(outside, '.aws'))
    writeFileSync(path.join(outside, '.aws', 'credentials'), 'secret')
    writeFileSync(path.join(outside, 'secret.zip'), craftZip([{ name: 'credentials', data: 'secret' }]))
  })
  afterEach(() => rmSync(outside, { recursive: true, force: true }))

  it.each([
    [
      'a folder link (dist -> outside)',
      () => symlinkSync(outside, path.join(workspace, 'dist')),
      'dist',
      'leads outside the workspace'
    ],
    [
      'a link above the path (build -> outside, build/.aws)',
      () => symlinkSync(outside, path.join(workspace, 'build')),
      'build/.aws',
      'leads outside the workspace'
    ],
    [
      'a zip link (out.zip -> outside/secret.zip)',
      () => symlinkSync(path.join(outside, 'secret.zip'), path.join(workspace, 'out.zip')),
      'out.zip',
      'leads outside the workspace'
    ],
    [
      'a chain of links inside the folder (y -> ., x -> y/..)',
      () => {
        mkdirSync(path.join(workspace, 'out'))
        symlinkSync('.', path.join(workspace, 'out', 'y'))
        symlinkSync('y/..', path.join(workspace, 'out', 'x'))
      },
      'out',
      'x is a symlink that passes through the symlink'
    ],
    [
      'the checkout itself, .git and its token included (Out=.)',
      () => {
        mkdirSync(path.join(workspace, '.git'))
        writeFileSync(path.join(workspace, '.git', 'config'), 'extraheader = AUTHORIZATION: basic secret')
      },
      '.',
      ".git is git's own folder, which an artifact may not carry"
    ],
    [
      'a .GIT folder inside the build folder',
      () => mkdirSync(path.join(workspace, 'out', 'sub', '.GIT'), { recursive: true }),
      'out',
      "sub/.GIT is git's own folder"
    ],
    [
      'a link to .git given as the path (out -> .git)',
      () => {
        mkdirSync(path.join(workspace, '.git'))
        symlinkSync('.git', path.join(workspace, 'out'))
      },
      'out',
      "out leads into git's own folder (.git)"
    ],
    [
      'a dangling link inside the folder',
      () => {
        mkdirSync(path.join(workspace, 'out'))
        symlinkSync('nothing', path.join(workspace, 'out', 'gone'))
      },
      'out',
      'gone is a symlink whose target does not exist'
    ]
  ])(
    '%s',
    async (_label, arrange, given, problem) => {
      arrange()
      const job = await createArtifactJob(emu, store, { outputs: ['Out'] })
      const run = await report(job, { 'output-artifacts': `Out=${given}` })
      expect(run.code).toBe(1)
      const result = onlyResult(job, run)
      expect(result.operation).toBe('PutJobFailureResult')
      expect(JSON.stringify(result.body)).toContain(problem)
      expect(await getObject(store, outputKey(job, 'Out'))).toBeUndefined()
    },
    60_000
  )
})
