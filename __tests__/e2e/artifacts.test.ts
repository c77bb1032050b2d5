// End-to-end: the committed input-artifacts bundle (dist/artifacts/index.js)
// run as a runner runs it, against the CodePipeline emulator and the local S3
// artifact store. Assertions are on the files it leaves, its outputs, its log
// and what the store saw on the wire.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
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
      'symlink "sub/out" passes through the symlink "here" ("../here/..")'
    ],
    [
      'a dangling chain of links (y -> ., build.log -> y/y/y/../../../ESCAPED)',
      [
        { name: 'y', data: '.', mode: 0o120777 },
        { name: 'build.log', data: 'y/y/y/../../../ESCAPED', mode: 0o120777 }
      ],
      'symlink "build.log" passes through the symlink "y" ("y/y/y/../../../ESCAPED")'
    ],
    [
      'a dangling link',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: 'later', data: 'not-there/file', mode: 0o120777 }
      ],
      'symlink "later" dangles ("not-there/file")'
    ],
    [
      'links whose names differ only in case (macOS, Windows: L -> ., x -> l/l/l/l/../../../..)',
      [
        { name: 'L', data: '.', mode: 0o120777 },
        { name: 'x', data: 'l/l/l/l/../../../..', mode: 0o120777 }
      ],
      'symlink "x" passes through the symlink "l" ("l/l/l/l/../../../..")'
    ],
    [
      'links whose names differ only in Unicode normalisation (macOS: \u00e9 -> ., x -> e\u0301/e\u0301/../..)',
      [
        { name: '\u00e9', data: '.', mode: 0o120777 },
        { name: 'x', data: 'e\u0301/e\u0301/../..', mode: 0o120777 }
      ],
      'symlink "x" passes through the symlink "e\u0301" ("e\u0301/e\u0301/../..")'
    ],
    [
      'a link through names that do not exist (x -> n/m/../.., lexically ".")',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: 'x', data: 'n/m/../..', mode: 0o120777 }
      ],
      'symlink "x" ("n/m/../..") does not resolve on disk (ENOENT)'
    ],
    [
      'a git hook (.git/hooks/post-checkout, mode 755)',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: '.git/hooks/post-checkout', data: '#!/bin/sh\ntouch pwned\n', mode: 0o100755 }
      ],
      `entry ".git/hooks/post-checkout" would be written into ".git", git's own folder`
    ],
    [
      '.GIT in capitals',
      [{ name: '.GIT/config', data: 'x' }],
      `entry ".GIT/config" would be written into ".GIT", git's own folder`
    ],
    [
      "git's short 8.3 name",
      [{ name: 'GIT~1/hooks/pre-commit', data: 'x' }],
      `entry "GIT~1/hooks/pre-commit" would be written into "GIT~1", git's own folder`
    ],
    [
      '.git with trailing dots and spaces',
      [{ name: 'a/.git. ./config', data: 'x' }],
      `entry "a/.git. ./config" would be written into ".git. .", git's own folder`
    ],
    [
      '.git with an NTFS stream',
      [{ name: '.git::$INDEX_ALLOCATION/config', data: 'x' }],
      'entry ".git::$INDEX_ALLOCATION/config" would be written into ".git::$INDEX_ALLOCATION"'
    ],
    [
      '.git with a code point HFS+ ignores',
      [{ name: '.g\u200cit/config', data: 'x' }],
      'entry ".g\u200cit/config" would be written into ".g\u200cit"'
    ],
    [
      'a symlink into .git',
      [
        { name: 'ok.txt', data: 'ok' },
        { name: 'hooks', data: '.git/hooks', mode: 0o120777 }
      ],
      `symlink "hooks" points into ".git" (".git/hooks"), git's own folder`
    ],
    [
      'an entry written through a link of the archive',
      [
        { name: 'y', data: '.', mode: 0o120777 },
        { name: 'y/ok.txt', data: 'ok' }
      ],
      'entry "y/ok.txt" would be written through the symlink "y"'
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

it('stops before any call when the run was not started by "expected-actor", and extracts when it was', async () => {
  const j = await job({ inputs: [{ name: 'Src', content: SOURCE }] })
  const calls = emu.calls.length
  const manual = await runAction({
    script: 'dist/artifacts/index.js',
    emulator: emu,
    inputs: { 'job-id': j.id, path: workspace(), 'endpoint-url': emu.url, 'expected-actor': 'my-bridge[bot]' },
    env: { AWS_ENDPOINT_URL_S3: store.url, GITHUB_WORKSPACE: workspace(), GITHUB_ACTOR: 'alice' }
  })
  expect(manual.code).toBe(1)
  expect(manual.errors.join('\n')).toContain('this run was started by "alice", not by my-bridge[bot]')
  expect(emu.calls.length).toBe(calls)
  expect(existsSync(workspace())).toBe(false)
  const bridge = await runAction({
    script: 'dist/artifacts/index.js',
    emulator: emu,
    inputs: { 'job-id': j.id, path: workspace(), 'endpoint-url': emu.url, 'expected-actor': 'my-bridge[bot]' },
    env: { AWS_ENDPOINT_URL_S3: store.url, GITHUB_WORKSPACE: workspace(), GITHUB_ACTOR: 'my-bridge[bot]' }
  })
  expect(bridge.code).toBe(0)
  expect(existsSync(path.join(workspace(), 'Src', 'README.md'))).toBe(true)
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
      `Input artifact Big: it declares ${2 * MB} bytes uncompressed in 2 entries, ${2 * MB + 2 * 4096} bytes counting 4096 per entry, over the limit of ${MB} bytes`
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
    inputs: { 'job-id': '00000000-0000-4000-8000-000000000000', path: workspace(), 'endpoint-url': emu.url },
    env: { GITHUB_WORKSPACE: workspace() }
  })
  expect(result.code).toBe(1)
  expect(result.errors.join('\n')).toContain(
    'GetJobDetails failed for job 00000000-0000-4000-8000-000000000000: JobNotFoundException'
  )
  if (result.code !== 1) throw new Error(describeRun(result))
})

/** Every path under a folder with its bytes (or link target), for "left exactly as it was" checks. */
function snapshot(folder: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const entry of readdirSync(path.join(folder, prefix), { withFileTypes: true })) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name
    const full = path.join(folder, name)
    if (entry.isSymbolicLink()) out[name] = `-> ${readFileSync(full, 'utf8')}`
    else if (entry.isDirectory()) Object.assign(out, { [`${name}/`]: '' }, snapshot(folder, name))
    else out[name] = readFileSync(full).toString('base64')
  }
  return out
}

describe('pre-existing files are kept byte for byte', () => {
  function checkout(): Record<string, string> {
    mkdirSync(path.join(workspace(), 'src'), { recursive: true })
    writeFileSync(path.join(workspace(), 'README.md'), '# mine\n')
    writeFileSync(path.join(workspace(), 'src', 'main.c'), 'int mine;\n')
    return snapshot(workspace())
  }

  it('a refused archive over a checkout changes nothing, not even an empty folder', async () => {
    const before = checkout()
    const bad = craftZip([
      { name: 'README.md', data: '# theirs\n' },
      { name: 'src/main.c', data: 'int theirs;\n' },
      { name: 'new/deep/file.txt', data: 'x' },
      { name: 'bad', data: '../../outside', mode: 0o120777 }
    ])
    const j = await job({ inputs: [{ name: 'Src', content: bad }] })
    const result = await run(j, { 'extract-into-path': 'true' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('symlink "bad" points outside the target folder')
    expect(snapshot(workspace())).toEqual(before)
  })

  it('an archive that would replace files is refused without "overwrite", and replaces them with it', async () => {
    const before = checkout()
    const archive = craftZip([
      { name: 'README.md', data: '# theirs\n' },
      { name: 'docs/new.md', data: 'new' }
    ])
    const j = await job({ inputs: [{ name: 'Src', content: archive }] })
    const refused = await run(j, { 'extract-into-path': 'true' })
    expect(refused.code).toBe(1)
    expect(refused.errors.join('\n')).toContain('it would replace 1 existing item(s)')
    expect(refused.errors.join('\n')).toContain('"README.md"')
    expect(snapshot(workspace())).toEqual(before)

    const j2 = await job({ inputs: [{ name: 'Src', content: archive }] })
    const allowed = await run(j2, { 'extract-into-path': 'true', overwrite: 'true' })
    expect(allowed.code).toBe(0)
    expect(readFileSync(path.join(workspace(), 'README.md'), 'utf8')).toBe('# theirs\n')
    expect(readFileSync(path.join(workspace(), 'docs', 'new.md'), 'utf8')).toBe('new')
    expect(readFileSync(path.join(workspace(), 'src', 'main.c'), 'utf8')).toBe('int mine;\n')
    expect(readdirSync(workspace()).filter(n => n.startsWith('.codepipeline-artifact-'))).toEqual([])
  })
})

describe('symlinks already in the workspace', () => {
  it('a link of a later archive is checked through the links an earlier one left (n -> ., m -> ., then x -> n/m/../..)', async () => {
    const first = await job({
      inputs: [
        {
          name: 'Src',
          content: craftZip([
            { name: 'n', data: '.', mode: 0o120777 },
            { name: 'm', data: '.', mode: 0o120777 }
          ])
        }
      ]
    })
    expect((await run(first, { 'extract-into-path': 'true' })).code).toBe(0)
    const second = await job({
      inputs: [
        {
          name: 'Src',
          content: craftZip([
            { name: 'ok.txt', data: 'ok' },
            { name: 'x', data: 'n/m/../..', mode: 0o120777 }
          ])
        }
      ]
    })
    const result = await run(second, { 'extract-into-path': 'true' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('symlink "x" ("n/m/../..") does not resolve on disk')
    expect(readdirSync(workspace()).sort()).toEqual(['m', 'n'])
    // In the other order, the first archive is refused already: x leads nowhere when it is made.
    rmSync(workspace(), { recursive: true })
    const reversed = await job({
      inputs: [{ name: 'Src', content: craftZip([{ name: 'x', data: 'n/m/../..', mode: 0o120777 }]) }]
    })
    expect((await run(reversed, { 'extract-into-path': 'true' })).code).toBe(1)
    expect(existsSync(path.join(workspace(), 'x'))).toBe(false)
  })

  it('a link already in the folder is never replaced, overwrite or not', async () => {
    mkdirSync(path.join(workspace(), 'a', 'b'), { recursive: true })
    symlinkSync('a/b', path.join(workspace(), 'n'))
    const j = await job({ inputs: [{ name: 'Src', content: craftZip([{ name: 'n', data: '.', mode: 0o120777 }]) }] })
    const result = await run(j, { 'extract-into-path': 'true', overwrite: 'true' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('it would replace 1 existing item(s)')
    expect(lstatSync(path.join(workspace(), 'n')).isSymbolicLink()).toBe(true)
  })

  it('a git hook is refused over a checkout, overwrite or not, and .git stays as it was', async () => {
    mkdirSync(path.join(workspace(), '.git', 'hooks'), { recursive: true })
    writeFileSync(path.join(workspace(), '.git', 'HEAD'), 'ref: refs/heads/main\n')
    const before = snapshot(workspace())
    const archive = craftZip([{ name: '.git/hooks/post-checkout', data: '#!/bin/sh\n', mode: 0o100755 }])
    const j = await job({ inputs: [{ name: 'Src', content: archive }] })
    const result = await run(j, { 'extract-into-path': 'true', overwrite: 'true' })
    expect(result.code).toBe(1)
    expect(snapshot(workspace())).toEqual(before)
    const into = await job({ inputs: [{ name: 'Src', content: SOURCE }] })
    const refused = await run(into, { path: '.git/hooks', 'extract-into-path': 'true' })
    expect(refused.code).toBe(1)
    expect(refused.errors.join('\n')).toContain(`"path" must not be in git's own folder (.git)`)
    expect(snapshot(workspace())).toEqual(before)
  })

  it('a link at <path>/<name> leading out is refused, and nothing lands outside', async () => {
    const outside = path.join(temp, 'outside')
    mkdirSync(outside)
    mkdirSync(workspace())
    symlinkSync(outside, path.join(workspace(), 'Src'))
    const j = await job({ inputs: [{ name: 'Src', content: SOURCE }] })
    const result = await run(j)
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('is outside the workspace')
    expect(readdirSync(outside)).toEqual([])
  })

  it('"path" outside the workspace is an input error before any call', async () => {
    const j = await job({ inputs: [{ name: 'Src', content: SOURCE }] })
    const calls = emu.calls.length
    const result = await run(j, { path: path.join(temp, 'elsewhere') })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain('"path" must be inside the workspace')
    expect(emu.calls.length).toBe(calls)
  })
})

describe('content checks', () => {
  it('a corrupted entry (CRC-32 mismatch) fails the step and leaves nothing behind', async () => {
    const good = craftZip([
      { name: 'a.txt', data: 'first' },
      { name: 'b.txt', data: 'second entry' }
    ])
    // Flip one byte of b.txt's data: headers (and so sizes) stay right, the CRC no longer matches.
    const corrupt = Buffer.from(good)
    const at = corrupt.indexOf('second entry')
    corrupt[at] = corrupt[at]! ^ 0xff
    const j = await job({ inputs: [{ name: 'Bad', content: corrupt }] })
    const result = await run(j)
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(/Input artifact Bad: entry "b.txt" is corrupt: its CRC-32 is [0-9a-f]{8}/)
    expect(existsSync(path.join(workspace(), 'Bad'))).toBe(false)
  })

  it('streams entries over 1 MiB, byte for byte, and checks their CRC-32 too', async () => {
    const big = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7) % 251))
    const archive = craftZip([
      { name: 'a.bin', data: big },
      { name: 'b.bin', data: big }
    ])
    const j = await job({ inputs: [{ name: 'Large', content: archive }] })
    const result = await run(j)
    if (result.code !== 0) throw new Error(describeRun(result))
    expect(readFileSync(path.join(workspace(), 'Large', 'b.bin')).equals(big)).toBe(true)

    const corrupt = Buffer.from(archive)
    // b.bin's data follows a.bin's local header (30 bytes + name), a.bin's data and its own header.
    const at = 2 * (30 + 'a.bin'.length) + big.length + 1_000_000
    corrupt[at] = corrupt[at]! ^ 0xff
    const j2 = await job({ inputs: [{ name: 'Broken', content: corrupt }] })
    const refused = await run(j2)
    expect(refused.code).toBe(1)
    expect(refused.errors.join('\n')).toContain('Input artifact Broken: entry "b.bin" is corrupt')
    expect(existsSync(path.join(workspace(), 'Broken'))).toBe(false)
  }, 60_000)

  it('refuses an archive with more entries than max-entries, before writing', async () => {
    const many = craftZip([1, 2, 3].map(n => ({ name: `f${n}.txt`, data: `${n}` })))
    const j = await job({ inputs: [{ name: 'Many', content: many }] })
    const result = await run(j, { 'max-entries': '2' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toContain(
      'Input artifact Many: it has 3 entries, over the limit of 2 ("max-entries")'
    )
    expect(existsSync(path.join(workspace(), 'Many'))).toBe(false)
  })

  it("keeps each file's modification time from the zip", async () => {
    const j = await job({ inputs: [{ name: 'SourceOutput', content: SOURCE }] })
    const result = await run(j)
    expect(result.code).toBe(0)
    // craftZip writes DOS date and time 0, which reads as about 1980: far from now.
    const mtime = statSync(path.join(workspace(), 'SourceOutput', 'README.md')).mtime
    expect(mtime.getTime()).toBeLessThan(new Date(1981, 0, 1).getTime())
  })
})

it('a download cut mid-body resumes with a ranged GET pinned to the ETag', async () => {
  const big = craftZip([{ name: 'data.bin', data: Buffer.alloc(300_000, 7) }])
  const j = await job({ inputs: [{ name: 'Big', content: big }] })
  const before = store.requests.length
  let cuts = 0
  store.cut(r => (r.method === 'GET' && cuts++ < 2 ? 100_000 : undefined))
  try {
    const result = await run(j, { 'max-attempts': '5' })
    if (result.code !== 0) throw new Error(describeRun(result))
    expect(readFileSync(path.join(workspace(), 'Big', 'data.bin')).equals(Buffer.alloc(300_000, 7))).toBe(true)
    const gets = store.requests.slice(before).filter(r => r.method === 'GET')
    expect(gets.map(g => g.status)).toEqual([-1, -1, 206])
    expect(gets[0]?.range).toBeUndefined()
    expect(gets[1]?.range).toMatch(/^bytes=\d+-$/)
    expect(gets[2]?.ifMatch).toMatch(/^"/)
    expect(result.stdout).toContain('resuming (attempt 2 of 5)')
  } finally {
    store.cut(undefined)
  }
}, 60_000)

it('a download cut more often than max-attempts fails saying so', async () => {
  const big = craftZip([{ name: 'data.bin', data: Buffer.alloc(300_000, 7) }])
  const j = await job({ inputs: [{ name: 'Big', content: big }] })
  store.cut(r => (r.method === 'GET' ? 50_000 : undefined))
  try {
    const result = await run(j, { 'max-attempts': '2' })
    expect(result.code).toBe(1)
    expect(result.errors.join('\n')).toMatch(
      /Input artifact Big: download failed: the connection dropped after \d+ of \d+ bytes, 2 attempt\(s\) \(max-attempts\)/
    )
    expect(existsSync(path.join(workspace(), 'Big'))).toBe(false)
  } finally {
    store.cut(undefined)
  }
}, 60_000)

it('a large download continues in ranged pieces side by side, each pinned to the ETag and resumed on its own', async () => {
  const MiB = 1024 * 1024
  // 20 MiB of a pattern that differs in every piece, so a piece written at the wrong offset shows.
  const data = Buffer.alloc(20 * MiB)
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i, i)
  const big = craftZip([{ name: 'data.bin', data }])
  const j = await job({ inputs: [{ name: 'Big', content: big }] })
  const before = store.requests.length
  let cut = false
  // The second piece's first answer is cut after 1 MiB: that piece alone resumes.
  store.cut(r =>
    r.method === 'GET' && r.range?.startsWith('bytes=8388608-') && !cut ? ((cut = true), MiB) : undefined
  )
  try {
    const result = await run(j, { 'max-attempts': '3' })
    if (result.code !== 0) throw new Error(describeRun(result))
    expect(readFileSync(path.join(workspace(), 'Big', 'data.bin')).equals(data)).toBe(true)
    const gets = store.requests.slice(before).filter(r => r.method === 'GET')
    expect(gets[0]?.range).toBeUndefined()
    const ranged = gets.slice(1)
    expect(ranged.map(g => g.range)).toEqual(
      expect.arrayContaining(['bytes=8388608-16777215', `bytes=16777216-${big.length - 1}`, 'bytes=9437184-16777215'])
    )
    expect(ranged.every(g => g.ifMatch !== undefined && g.ifMatch === ranged[0]?.ifMatch)).toBe(true)
    expect(result.stdout).toContain(
      'dropped in bytes 8388608-16777215 after 1048576 of them; resuming (attempt 2 of 3)'
    )
  } finally {
    store.cut(undefined)
  }
}, 120_000)
