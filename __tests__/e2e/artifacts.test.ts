// End-to-end: the committed input-artifacts bundle (dist/artifacts/index.js)
// run as a runner runs it, against the CodePipeline emulator and the local S3
// artifact store. Assertions are on the files it leaves, its outputs, its log
// and what the store saw on the wire.
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { startArtifactStore, type ArtifactStore } from '../../tools/artifact-store/index.js'
import { startEmulator, type Emulator, type Job } from '../../tools/emulator/index.js'
import { createArtifactJob, jobSecrets, secretsInLog, type ArtifactJobInit } from '../helpers/artifact-job.js'
import { describeRun, runAction, runtimes, type ActionRun } from '../helpers/run-action.js'
import { craftZip } from '../helpers/zip.js'

let emu: Emulator
let store: ArtifactStore
let temp: string

beforeAll(async () => {
  ;[emu, store] = await Promise.all([startEmulator(), startArtifactStore()])
})
afterAll(async () => {
  await Promise.all([emu.close(), store.close()])
})
beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'artifacts-e2e-'))
})
afterEach(() => {
  rmSync(temp, { recursive: true, force: true })
})

const SOURCE = craftZip([
  { name: 'README.md', data: '# sample\n' },
  { name: 'src/', mode: 0o040755 },
  { name: 'src/app.js', data: 'console.log("hi")\n' },
  { name: 'bin/run.sh', data: '#!/bin/sh\necho run\n', mode: 0o100755 },
  // Windows lets only administrators and Developer Mode create symlinks.
  ...(process.platform === 'win32' ? [] : [{ name: 'bin/app', data: '../src/app.js', mode: 0o120777 }])
])

function workspace(): string {
  return path.join(temp, 'workspace')
}

async function run(job: Job, inputs: Record<string, string> = {}, node?: string): Promise<ActionRun> {
  return runAction({
    ...(node ? { node } : {}),
    script: 'dist/artifacts/index.js',
    emulator: emu,
    inputs: { 'job-id': job.id, path: workspace(), 'endpoint-url': emu.url, ...inputs },
    env: { AWS_ENDPOINT_URL_S3: store.url, GITHUB_WORKSPACE: workspace(), RUNNER_DEBUG: '1' }
  })
}

/** Each secret is masked, and appears in no other line, debug included. */
function expectNoSecrets(job: Job, result: ActionRun): void {
  const { masked, shown } = secretsInLog(job, `${result.stdout}\n${result.stderr}`)
  expect(masked).toEqual(jobSecrets(job))
  expect(shown).toEqual([])
}

async function job(init: ArtifactJobInit): Promise<Job> {
  return createArtifactJob(emu, store, init)
}

describe.each(runtimes)('under %s', (_label, node) => {
  it('extracts a source zip into <path>/<name>, with its revision, signed with the job credentials', async () => {
    const j = await job({ inputs: [{ name: 'SourceOutput', revision: 'abc123', content: SOURCE }] })
    const before = store.requests.length
    const result = await run(j, {}, node)
    expect(result.code).toBe(0)
    const folder = path.join(workspace(), 'SourceOutput')
    expect(readFileSync(path.join(folder, 'README.md'), 'utf8')).toBe('# sample\n')
    expect(readFileSync(path.join(folder, 'src', 'app.js'), 'utf8')).toBe('console.log("hi")\n')
    if (process.platform !== 'win32') {
      expect(lstatSync(path.join(folder, 'bin', 'run.sh')).mode & 0o111).not.toBe(0)
      expect(lstatSync(path.join(folder, 'bin', 'app')).isSymbolicLink()).toBe(true)
      expect(readFileSync(path.join(folder, 'bin', 'app'), 'utf8')).toBe('console.log("hi")\n')
    }
    expect(JSON.parse(result.outputs.artifacts ?? '')).toEqual({ SourceOutput: folder })
    expect(JSON.parse(result.outputs.revisions ?? '')).toEqual({ SourceOutput: 'abc123' })
    const gets = store.requests.slice(before).filter(r => r.method === 'GET')
    expect(gets.map(r => [r.accessKeyId, r.status])).toEqual([[j.data.artifactCredentials.accessKeyId, 200]])
    expect(
      emu.calls.filter(c => c.operation === 'GetJobDetails' && c.body && JSON.stringify(c.body).includes(j.id))
    ).toHaveLength(1)
    // Debug logging on, and still no credential in any line.
    expect(result.stdout).toContain('::debug::')
    expectNoSecrets(j, result)
  })
})

it('extracts a single artifact straight into path with extract-into-path', async () => {
  const j = await job({ inputs: [{ name: 'SourceOutput', content: SOURCE }] })
  const result = await run(j, { 'extract-into-path': 'true' })
  expect(result.code).toBe(0)
  expect(readFileSync(path.join(workspace(), 'README.md'), 'utf8')).toBe('# sample\n')
  expect(JSON.parse(result.outputs.artifacts ?? '')).toEqual({ SourceOutput: workspace() })
  expect(JSON.parse(result.outputs.revisions ?? '')).toEqual({})
})

it('refuses extract-into-path when the job has two input artifacts, naming them', async () => {
  const j = await job({
    inputs: [
      { name: 'A', content: SOURCE },
      { name: 'B', content: SOURCE }
    ]
  })
  const result = await run(j, { 'extract-into-path': 'true' })
  expect(result.code).toBe(1)
  expect(result.errors.join('\n')).toContain(
    '"extract-into-path" needs exactly one input artifact; this job has 2 (A, B)'
  )
  expect(existsSync(workspace())).toBe(false)
})

it('extracts every artifact of a job into its own folder', async () => {
  const other = craftZip([{ name: 'lib.txt', data: 'lib' }])
  const j = await job({
    inputs: [
      { name: 'SourceOutput', content: SOURCE },
      { name: 'LibOutput', content: other }
    ]
  })
  const result = await run(j)
  expect(result.code).toBe(0)
  expect(readdirSync(workspace()).sort()).toEqual(['LibOutput', 'SourceOutput'])
  expect(readFileSync(path.join(workspace(), 'LibOutput', 'lib.txt'), 'utf8')).toBe('lib')
})

describe('unsafe archives are refused and leave nothing outside the folder', () => {
  it.each([
    [
      'a ../ entry',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: '../escaped.txt', data: 'x' }
      ],
      'invalid relative path: ../escaped.txt'
    ],
    ['an absolute entry', [{ name: '/tmp/escaped.txt', data: 'x' }], 'absolute path: /tmp/escaped.txt'],
    ['a drive-letter entry', [{ name: 'C:/escaped.txt', data: 'x' }], 'absolute path: C:/escaped.txt'],
    [
      'a symlink pointing out',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: 'link', data: '../../escaped', mode: 0o120777 }
      ],
      'symlink "link" points outside the target folder ("../../escaped")'
    ],
    [
      'a symlink chain resolving out',
      [
        { name: 'here', data: '.', mode: 0o120777 },
        { name: 'sub/x', data: 'x' },
        { name: 'sub/out', data: '../here/..', mode: 0o120777 }
      ],
      'symlink "sub/out" resolves outside the target folder ("../here/..")'
    ]
  ])('%s', async (_label, entries, message) => {
    const j = await job({ inputs: [{ name: 'Evil', content: craftZip(entries) }] })
    const result = await run(j)
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(`Input artifact Evil: ${message}`)
    expect(readdirSync(temp)).toEqual(existsSync(workspace()) ? ['workspace'] : [])
    const folder = path.join(workspace(), 'Evil')
    // Nothing of the archive is left behind, not even the entries that were safe.
    expect(existsSync(path.join(folder, 'ok.txt'))).toBe(false)
    expect(existsSync(path.join(folder, 'sub', 'out'))).toBe(false)
    expectNoSecrets(j, result)
  })
})

describe('the size limit', () => {
  const MB = 1024 * 1024

  it('refuses an archive whose declared size passes max-extracted-mb, before writing', async () => {
    const big = craftZip([
      { name: 'a.bin', data: Buffer.alloc(MB) },
      { name: 'b.bin', data: Buffer.alloc(MB) }
    ])
    const j = await job({ inputs: [{ name: 'Big', content: big }] })
    const result = await run(j, { 'max-extracted-mb': '1' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(
      `Input artifact Big: it declares ${2 * MB} bytes uncompressed, over the limit of ${MB} bytes`
    )
    expect(existsSync(path.join(workspace(), 'Big', 'a.bin'))).toBe(false)
  })

  it('refuses an archive whose entries hold more than they declare', async () => {
    const lying = craftZip([{ name: 'a.bin', data: Buffer.alloc(2 * MB), declaredSize: 10 }])
    const j = await job({ inputs: [{ name: 'Liar', content: lying }] })
    const result = await run(j, { 'max-extracted-mb': '1' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/^Input artifact Liar: /)
    expect(existsSync(path.join(workspace(), 'Liar', 'a.bin'))).toBe(false)
  })

  it('names the input when max-extracted-mb is not a whole number in range, before any call', async () => {
    const j = await job({ inputs: [{ name: 'S', content: SOURCE }] })
    const calls = emu.calls.length
    const result = await run(j, { 'max-extracted-mb': '0' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('"max-extracted-mb" must be a whole number from 1 to 1048576; got "0"')
    expect(emu.calls.length).toBe(calls)
  })
})

it('fails naming the artifact when the store refuses the download', async () => {
  const j = await job({ inputs: [{ name: 'SourceOutput', content: SOURCE }] })
  store.refuse(r => r.method === 'GET')
  try {
    const result = await run(j, { 'max-attempts': '2' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/^Input artifact SourceOutput: /)
    expectNoSecrets(j, result)
  } finally {
    store.refuse(undefined)
  }
}, 60_000)

it('explains a job CodePipeline does not know', async () => {
  const result = await runAction({
    script: 'dist/artifacts/index.js',
    emulator: emu,
    inputs: { 'job-id': '00000000-0000-4000-8000-000000000000', path: workspace(), 'endpoint-url': emu.url }
  })
  expect(result.code).toBe(1)
  expect(result.errors.join('\n')).toContain(
    'GetJobDetails failed for job 00000000-0000-4000-8000-000000000000: JobNotFoundException'
  )
  if (result.code !== 1) throw new Error(describeRun(result))
})
