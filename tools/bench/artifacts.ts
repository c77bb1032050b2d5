/**
 * Artifact throughput, side by side with the AWS CLI on the same local S3
 * store: a 200 MB artifact up (the reporting action with `output-artifacts`
 * vs `aws s3 cp` up) and down (the input artifacts action, download and
 * extraction, vs `aws s3 cp` down and then `unzip -q`, the same work), with
 * each process's peak resident memory. Whole-process wall time, median of interleaved runs; the
 * action's time includes its CodePipeline calls. Then many small entries:
 * the input artifacts action against `unzip` on the same archive (skipped,
 * with a note, where `unzip` is not installed).
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

import { craftZip } from '../artifact-store/craft-zip.js'
import { startArtifactStore, type ArtifactStore } from '../artifact-store/index.js'
import { startEmulator, type Emulator, type Job } from '../emulator/index.js'
import { inputVariables } from '../runner-protocol.js'
import { median } from './stats.js'

const MB = 1024 * 1024
export const SIZE_MB = Number(process.env.BENCH_ARTIFACT_MB ?? 200)
const ENTRIES = Number(process.env.BENCH_ARTIFACT_ENTRIES ?? 70_000)
const RUNS = Number(process.env.BENCH_ARTIFACT_RUNS ?? 3)

interface Measured {
  readonly ms: number
  /** Peak resident set size in MiB (VmHWM), or undefined where /proc is not there. */
  readonly peakMb?: number
}

/** VmHWM of a running process from /proc: its peak resident memory so far, in KiB. */
function highWaterKb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** Runs a command to completion; polls its peak memory every 20 ms (the peak only grows). */
function measure(command: readonly string[], env: Record<string, string>): Promise<Measured> {
  const [file = '', ...args] = command
  const started = process.hrtime.bigint()
  return new Promise((done, fail) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    let peak: number | undefined
    const poll = setInterval(() => {
      const kb = child.pid === undefined ? undefined : highWaterKb(child.pid)
      if (kb !== undefined) peak = Math.max(peak ?? 0, kb)
    }, 20)
    child.on('error', fail)
    child.on('exit', code => {
      clearInterval(poll)
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0) fail(new Error(`${command.join(' ')} exited ${code}: ${output.slice(-800)}`))
      else done({ ms, ...(peak === undefined ? {} : { peakMb: peak / 1024 }) })
    })
  })
}

/** A zip of stored (uncompressed) random files: what a build's binaries look like to a compressor. */
function randomZip(sizeMb: number, files = 10): Buffer {
  return craftZip(
    Array.from({ length: files }, (_, i) => ({ name: `bin/part-${i}.bin`, data: randomBytes((sizeMb * MB) / files) }))
  )
}

interface ArtifactCase {
  readonly name: string
  readonly direction: 'up' | 'down'
  readonly tool: 'action' | 'cli'
  /** Runs several processes one after the other (through `sh`): no one process's peak is the case's. */
  readonly pipeline?: boolean
  /** Sets up one run and gives the command; `check` confirms the run moved the artifact. */
  readonly prepare: (run: number) => Promise<{ command: string[]; env: Record<string, string>; check: () => void }>
}

function location(store: ArtifactStore, key: string): Job['data']['inputArtifacts'][number]['location'] {
  return { type: 'S3', s3Location: { bucketName: store.bucket, objectKey: key } }
}

/** Runs the artifact bench; returns the Markdown it printed. */
export async function artifactBench(root: string, node: string, aws: string | undefined): Promise<string> {
  const [emulator, store] = await Promise.all([startEmulator(), startArtifactStore()])
  const temp = mkdtempSync(join(os.tmpdir(), 'artifact-bench-'))
  try {
    return await benchWith(root, node, aws, emulator, store, temp)
  } finally {
    await Promise.all([emulator.close(), store.close()])
    rmSync(temp, { recursive: true, force: true })
  }
}

async function benchWith(
  root: string,
  node: string,
  aws: string | undefined,
  emulator: Emulator,
  store: ArtifactStore,
  temp: string
): Promise<string> {
  const zip = randomZip(SIZE_MB)
  const zipFile = join(temp, 'artifact.zip')
  writeFileSync(zipFile, zip)
  const folder = join(temp, 'folder')
  mkdirSync(folder)
  for (let i = 0; i < 10; i++) writeFileSync(join(folder, `part-${i}.bin`), randomBytes((SIZE_MB * MB) / 10))
  const sourceKey = 'bench/source.zip'
  await putAsAdmin(store, emulator.region, sourceKey, zip)
  const unzipTool = installed('unzip')

  const runnerEnv = (job: Job, inputs: Record<string, string>): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: temp,
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    AWS_REGION: emulator.region,
    AWS_ENDPOINT_URL_CODEPIPELINE: emulator.url,
    AWS_ENDPOINT_URL_S3: store.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_WORKSPACE: temp,
    RUNNER_TEMP: temp,
    ...inputVariables({ 'job-id': job.id, ...inputs })
  })
  const cliEnv = (job: Job): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: temp,
    AWS_ACCESS_KEY_ID: job.data.artifactCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: job.data.artifactCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: job.data.artifactCredentials.sessionToken,
    AWS_DEFAULT_REGION: emulator.region
  })
  const uploadJob = (run: number): Job => {
    const job = emulator.createJob({
      outputArtifacts: [{ name: 'Build', location: location(store, `bench/up-${run}-${Date.now()}.zip`) }]
    })
    store.allow(job.data.artifactCredentials)
    return job
  }
  const downloadJob = (): Job => {
    const job = emulator.createJob({ inputArtifacts: [{ name: 'Source', location: location(store, sourceKey) }] })
    store.allow(job.data.artifactCredentials)
    return job
  }
  const succeeded = (job: Job) => () => {
    const status = emulator.getJob(job.id)?.status
    if (status !== 'Succeeded') throw new Error(`job ended ${status}, not Succeeded`)
  }
  const extracted = (dir: string) => () => {
    if (readFileSync(join(dir, 'bin', 'part-9.bin')).length !== (SIZE_MB * MB) / 10) throw new Error('not extracted')
  }

  const list: ArtifactCase[] = [
    {
      name: 'action: `.zip` file up (`output-artifacts`, then the report)',
      direction: 'up',
      tool: 'action',
      prepare: async run => {
        const job = uploadJob(run)
        const env = runnerEnv(job, { 'output-artifacts': `Build=${join('.', 'artifact.zip')}` })
        return { command: [node, join(root, 'dist', 'index.js')], env, check: succeeded(job) }
      }
    },
    {
      name: 'action: folder up, zipped on the fly',
      direction: 'up',
      tool: 'action',
      prepare: async run => {
        const job = uploadJob(run)
        const env = runnerEnv(job, { 'output-artifacts': 'Build=folder' })
        return { command: [node, join(root, 'dist', 'index.js')], env, check: succeeded(job) }
      }
    },
    {
      name: 'action: down and extract (input artifacts action)',
      direction: 'down',
      tool: 'action',
      prepare: async run => {
        const job = downloadJob()
        const dir = join(temp, `down-${run}`)
        const env = runnerEnv(job, { path: dir })
        return {
          command: [node, join(root, 'dist', 'artifacts', 'index.js')],
          env,
          check: extracted(join(dir, 'Source'))
        }
      }
    }
  ]
  if (aws) {
    list.push(
      {
        name: '`aws s3 cp` up',
        direction: 'up',
        tool: 'cli',
        prepare: async run => {
          const job = uploadJob(run)
          const target = `s3://${store.bucket}/bench/cli-up-${run}.zip`
          return {
            command: [aws, 's3', 'cp', zipFile, target, '--endpoint-url', store.url, '--only-show-errors'],
            env: cliEnv(job),
            check: () => undefined
          }
        }
      },
      {
        // The baseline for the download is the CLI's download and then unzip: the action's step extracts too.
        name: unzipTool
          ? '`aws s3 cp` down, then `unzip -q`'
          : '`aws s3 cp` down (no extraction: `unzip` not installed)',
        direction: 'down',
        tool: 'cli',
        pipeline: unzipTool !== undefined,
        prepare: async run => {
          const job = downloadJob()
          const file = join(temp, `cli-down-${run}.zip`)
          const dir = join(temp, `cli-down-${run}`)
          const cp = [aws, 's3', 'cp', `s3://${store.bucket}/${sourceKey}`, file, '--endpoint-url', store.url]
          return {
            command: unzipTool
              ? ['sh', '-c', 'd=$1; shift; "$@" --only-show-errors && unzip -q "$0" -d "$d"', file, dir, ...cp]
              : [...cp, '--only-show-errors'],
            env: cliEnv(job),
            check: () => {
              if (readFileSync(file).length !== zip.length) throw new Error('download incomplete')
              if (unzipTool) extracted(dir)()
              rmSync(file)
              rmSync(dir, { recursive: true, force: true })
            }
          }
        }
      }
    )
  }

  const results = new Map<string, Measured[]>(list.map(c => [c.name, []]))
  for (let run = 0; run < RUNS; run++) {
    for (const c of list) {
      const { command, env, check } = await c.prepare(run)
      const measured = await measure(command, env)
      check()
      results.get(c.name)?.push(measured)
      rmSync(join(temp, `down-${run}`), { recursive: true, force: true })
    }
  }

  const mbps = (name: string): number => SIZE_MB / (median((results.get(name) ?? []).map(m => m.ms)) / 1000)
  const peak = (name: string): number | undefined => {
    const peaks = (results.get(name) ?? []).flatMap(m => (m.peakMb === undefined ? [] : [m.peakMb]))
    return peaks.length ? Math.max(...peaks) : undefined
  }
  const lines = [
    `${SIZE_MB} MB artifact (10 random files), local S3 store, ${RUNS} runs per case, interleaved; whole-process wall time (median), peak RSS (max).`,
    '',
    '| case | MB/s | peak MiB |',
    '|---|---:|---:|',
    ...list.map(
      c =>
        `| ${c.name} | ${mbps(c.name).toFixed(1)} | ${c.pipeline ? 'n/a (two processes)' : (peak(c.name)?.toFixed(0) ?? 'n/a')} |`
    ),
    ''
  ]
  for (const direction of ['up', 'down'] as const) {
    const action = list.find(c => c.direction === direction && c.tool === 'action')
    const cli = list.find(c => c.direction === direction && c.tool === 'cli')
    if (action && cli) {
      lines.push(
        `- ${direction}: action ÷ CLI throughput **${(mbps(action.name) / mbps(cli.name)).toFixed(2)}×** (target ≥ 1×)`
      )
    }
  }
  if (!aws) lines.push('- AWS CLI: not installed here, not measured')
  const peaks = list.filter(c => c.tool === 'action').flatMap(c => peak(c.name) ?? [])
  if (peaks.length) lines.push(`- action peak memory: **${Math.max(...peaks).toFixed(0)} MiB** (target < 150 MiB)`)
  lines.push('', await manyEntries(root, node, emulator, store, temp, runnerEnv))
  return lines.join('\n')
}

/** Puts an object into the store with its admin credentials, as a pipeline's earlier stage would have. */
async function putAsAdmin(store: ArtifactStore, region: string, key: string, body: Buffer): Promise<void> {
  // The bench itself may run on Node 20, where the SDK warns on loading (CONVENTIONS: the variable silences it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3')
  const admin = new S3Client({ endpoint: store.url, region, credentials: store.adminCredentials, forcePathStyle: true })
  try {
    await admin.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: body }))
  } finally {
    admin.destroy()
  }
}

/** Writes dirty pages back (POSIX `sync`), so that a measurement does not pay for the writes before it. */
function settleDisk(): void {
  if (process.platform === 'win32') return
  try {
    execFileSync('sync', { stdio: 'ignore' })
  } catch {
    // No sync command: measured as the disk is.
  }
}

function installed(command: string): string | undefined {
  try {
    return execFileSync(process.platform === 'win32' ? 'where' : 'which', [command], { encoding: 'utf8' })
      .split(/\r?\n/)[0]
      ?.trim()
  } catch {
    return undefined
  }
}

/** A tmpfs folder to extract into (Linux's /dev/shm), so that the file system's own cost is out of the comparison. */
function tmpfsPlace(): { name: string; folder: string }[] {
  if (process.platform !== 'linux') return []
  try {
    return [{ name: 'tmpfs', folder: mkdtempSync(join('/dev/shm', 'artifact-bench-')) }]
  } catch {
    return []
  }
}

/** ENTRIES small files (100 bytes, 1,000 to a folder) extracted by the action and by `unzip`, same archive. */
async function manyEntries(
  root: string,
  node: string,
  emulator: Emulator,
  store: ArtifactStore,
  temp: string,
  runnerEnv: (job: Job, inputs: Record<string, string>) => Record<string, string>
): Promise<string> {
  const zip = craftZip(
    Array.from({ length: ENTRIES }, (_, i) => ({
      name: `src/d${Math.floor(i / 1000)}/f${i}.txt`,
      data: `${i}`.padEnd(100, '.')
    }))
  )
  const zipFile = join(temp, 'many.zip')
  writeFileSync(zipFile, zip)
  const key = 'bench/many.zip'
  await putAsAdmin(store, emulator.region, key, zip)
  const unzip = installed('unzip')
  const places = [{ name: 'disk', folder: temp }, ...tmpfsPlace()]
  const lines = [
    `${ENTRIES.toLocaleString('en-US')} entries of 100 bytes (${(zip.length / MB).toFixed(1)} MB zip), ${RUNS} runs per place, interleaved, taking turns to go first, the disk synced before each.`,
    '',
    '| where | case | seconds | peak MiB |',
    '|---|---|---:|---:|'
  ]
  const ratios: string[] = []
  try {
    for (const place of places) {
      const { action, reference } = await manyEntriesIn(place.folder, {
        unzip,
        zipFile,
        key,
        command: [node, join(root, 'dist', 'artifacts', 'index.js')],
        emulator,
        store,
        runnerEnv
      })
      const ms = (list: Measured[]): number => median(list.map(m => m.ms))
      const peak = (list: Measured[]): string => {
        const peaks = list.flatMap(m => (m.peakMb === undefined ? [] : [m.peakMb]))
        return peaks.length ? Math.max(...peaks).toFixed(0) : 'n/a'
      }
      lines.push(
        `| ${place.name} | action: download and extract | ${(ms(action) / 1000).toFixed(2)} | ${peak(action)} |`
      )
      if (unzip) {
        lines.push(
          `| ${place.name} | \`unzip -q\` (local file, no download) | ${(ms(reference) / 1000).toFixed(2)} | ${peak(reference)} |`
        )
        ratios.push(
          `- many entries on ${place.name}: action ÷ unzip time **${(ms(action) / ms(reference)).toFixed(2)}×** (target ≤ 2×)`
        )
      }
    }
  } finally {
    // The tmpfs folder is memory: never left behind.
    for (const place of places.slice(1)) rmSync(place.folder, { recursive: true, force: true })
  }
  lines.push('', ...ratios)
  if (!unzip) lines.push('- `unzip`: not installed here, not compared (`apt-get install unzip`)')
  if (places.length === 1) lines.push('- tmpfs: no /dev/shm here, measured on disk only')
  return lines.join('\n')
}

interface ManyEntriesRun {
  readonly unzip: string | undefined
  readonly zipFile: string
  /** The archive's key in the store. */
  readonly key: string
  readonly command: readonly string[]
  readonly emulator: Emulator
  readonly store: ArtifactStore
  readonly runnerEnv: (job: Job, inputs: Record<string, string>) => Record<string, string>
}

/** The action and `unzip` taking turns to extract the archive into `folder` (the action's workspace there too). */
async function manyEntriesIn(
  folder: string,
  { unzip, zipFile, key, command, emulator, store, runnerEnv }: ManyEntriesRun
): Promise<{ action: Measured[]; reference: Measured[] }> {
  const action: Measured[] = []
  const reference: Measured[] = []
  const last = `src/d${Math.floor((ENTRIES - 1) / 1000)}/f${ENTRIES - 1}.txt`
  const expected = `${ENTRIES - 1}`.padEnd(100, '.')
  const runAction = async (dir: string): Promise<void> => {
    const job = emulator.createJob({ inputArtifacts: [{ name: 'Many', location: location(store, key) }] })
    store.allow(job.data.artifactCredentials)
    const env = { ...runnerEnv(job, { path: dir }), GITHUB_WORKSPACE: folder, RUNNER_TEMP: folder }
    action.push(await measure(command, env))
    if (readFileSync(join(dir, 'Many', ...last.split('/')), 'utf8') !== expected) {
      throw new Error('many-entries archive not extracted')
    }
  }
  const runUnzip = async (tool: string, dir: string): Promise<void> => {
    reference.push(await measure([tool, '-q', zipFile, '-d', dir], { PATH: process.env.PATH ?? '' }))
    if (readFileSync(join(dir, ...last.split('/')), 'utf8') !== expected) {
      throw new Error('unzip did not extract the many-entries archive')
    }
  }
  for (let run = 0; run < RUNS; run++) {
    // Creating files is what both measure: each starts with the disk settled (the previous run's files written back
    // and removed), and they take turns going first, so neither pays for the other's writes.
    const order = run % 2 === 0 || !unzip ? ['action', 'unzip'] : ['unzip', 'action']
    for (const which of order) {
      if (which === 'unzip' && !unzip) continue
      const dir = join(folder, `many-${run}-${which}`)
      settleDisk()
      await (which === 'action' ? runAction(dir) : runUnzip(unzip ?? 'unzip', dir))
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return { action, reference }
}
