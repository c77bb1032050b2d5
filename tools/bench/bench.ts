/**
 * `npm run bench`: whole-process wall time of one job report, side by side in
 * one run, against the local emulator. Runs are interleaved case by case so
 * that a change in machine load touches every case alike. Medians and ratios,
 * never a pass/fail threshold.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkFlags } from '../cli-support.js'
import { startEmulator, type Emulator } from '../emulator/index.js'
import { artifactBench, SIZE_MB } from './artifacts.js'
import { dispatchBench } from './dispatch.js'
import { lifecycleBench } from './lifecycle.js'
import { profileStartUp } from './profile.js'
import { NODE24_ENV, findNode24 } from '../node24/find.js'
import { inputVariables } from '../runner-protocol.js'
import { median } from './stats.js'
import { writeBenchmarkDoc } from './write-doc.js'

// Compiled to build/tools/bench/bench.js: the repository root is three levels up.
const root = resolve(import.meta.dirname, '..', '..', '..')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const PROFILE_RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 5)
const OUTPUT_VARIABLES_MAX_BYTES = 122_880

interface Case {
  readonly name: string
  readonly command: readonly string[]
  readonly env: (jobId: string) => Record<string, string>
  /** Cases that only show where start-up goes: they report nothing. */
  readonly reportsNothing?: { readonly exitCode: number }
}

/** Node 24, the runners' runtime, when present (`npm run node24` fetches one); else the Node running this. */
function benchNode(): string {
  const node24 = findNode24(root)
  if (!node24) console.error(`No Node 24 found (set ${NODE24_ENV} or run npm run node24): timing ${process.version}.`)
  return node24?.path ?? process.execPath
}

function awsCli(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

/** The request the action sends in the minimal case, so the floor sends the same bytes. */
const SUMMARY = 'GitHub workflow succeeded'

/** Output variables whose keys and values add up to exactly the quota. */
function maxOutputVariables(): string {
  const variables: Record<string, string> = {}
  let left = OUTPUT_VARIABLES_MAX_BYTES
  for (let i = 0; left > 0; i++) {
    const key = `VAR_${i}`
    const size = Math.min(left - key.length, 1000)
    variables[key] = 'x'.repeat(size)
    left -= key.length + size
  }
  return JSON.stringify(variables)
}

function cases(emulator: Emulator, node: string, aws: string | undefined): Case[] {
  const base = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    AWS_REGION: emulator.region,
    AWS_DEFAULT_REGION: emulator.region,
    AWS_ENDPOINT_URL_CODEPIPELINE: emulator.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  const action = join(root, 'dist', 'index.js')
  const variables = maxOutputVariables()
  const list: Case[] = [
    {
      name: 'floor: built-ins sign and send',
      command: [node, join(root, 'build', 'tools', 'bench', 'floor.js')],
      env: jobId => ({ ...base, BENCH_BODY: JSON.stringify({ jobId, executionDetails: { summary: SUMMARY } }) })
    },
    {
      name: 'action (`dist/index.js`)',
      command: [node, action],
      env: jobId => ({ ...base, ...inputVariables({ 'job-id': jobId }) })
    },
    {
      // The maps beside the bundle are read only with this flag: the price of a stack that points at src/.
      name: 'action with NODE_OPTIONS=--enable-source-maps',
      command: [node, action],
      env: jobId => ({ ...base, NODE_OPTIONS: '--enable-source-maps', ...inputVariables({ 'job-id': jobId }) })
    },
    {
      name: 'action, 122,880 B of output variables',
      command: [node, action],
      env: jobId => ({ ...base, ...inputVariables({ 'job-id': jobId, 'output-variables': variables }) })
    }
  ]
  // Where the action's time goes: an empty process, and the action stopped by
  // bad input before it loads the AWS SDK (so only @actions/core and our code).
  list.push(
    {
      name: 'breakdown: empty Node process',
      command: [node, '-e', '0'],
      env: () => base,
      reportsNothing: { exitCode: 0 }
    },
    {
      name: 'breakdown: action, input rejected before the SDK loads',
      command: [node, action],
      env: () => ({ ...base, ...inputVariables({ 'job-id': 'not-a-job-id' }) }),
      reportsNothing: { exitCode: 1 }
    }
  )
  if (aws) {
    list.push({
      name: 'AWS CLI put-job-success-result',
      command: [
        aws,
        'codepipeline',
        'put-job-success-result',
        '--endpoint-url',
        emulator.url,
        '--execution-details',
        `summary="${SUMMARY}"`
      ],
      env: jobId => ({ ...base, BENCH_JOB: jobId })
    })
  }
  return list
}

function timeOnce(command: readonly string[], env: Record<string, string>, expectedExit = 0): Promise<number> {
  const [file = '', ...args] = command
  const started = process.hrtime.bigint()
  return new Promise((done, fail) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', fail)
    child.on('exit', code => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code === expectedExit) done(ms)
      else fail(new Error(`${command.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`))
    })
  })
}

function jsBytes(dir: string): number {
  return readdirSync(dir)
    .filter(f => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
}

async function main(): Promise<void> {
  const emulator = await startEmulator()
  const node = benchNode()
  const aws = awsCli()
  const list = cases(emulator, node, aws)
  const times = new Map<string, number[]>(list.map(c => [c.name, []]))
  let profile = ''
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const c of list) {
        const job = emulator.createJob()
        // The CLI takes the job ID as an argument, the others from the environment.
        const command = c.command[0] === aws ? [...c.command, '--job-id', job.id] : c.command
        const ms = await timeOnce(command, c.env(job.id), c.reportsNothing?.exitCode)
        const status = emulator.getJob(job.id)?.status
        const expected = c.reportsNothing ? 'InProgress' : 'Succeeded'
        if (status !== expected) throw new Error(`${c.name}: job ended ${status}, not ${expected}`)
        times.get(c.name)?.push(ms)
      }
    }
    const action = list[1]
    if (action && PROFILE_RUNS > 0) {
      let job = emulator.createJob()
      profile = await profileStartUp(
        action.command,
        () => action.env((job = emulator.createJob()).id),
        PROFILE_RUNS,
        () => {
          if (emulator.getJob(job.id)?.status !== 'Succeeded') throw new Error('profiled run did not report its job')
        }
      )
    }
  } finally {
    await emulator.close()
  }

  const medians = new Map([...times].map(([name, values]) => [name, median(values)]))
  const floor = medians.get(list[0]?.name ?? '') ?? 1
  const action = medians.get(list[1]?.name ?? '') ?? 1
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  const lines = [
    `Node ${version}, ${RUNS} runs per case, interleaved; wall time of the whole process, median.`,
    '',
    '| case | median ms | × floor |',
    '|---|---:|---:|',
    ...list.map(c => {
      const ms = medians.get(c.name) ?? 0
      return `| ${c.name} | ${ms.toFixed(0)} | ${(ms / floor).toFixed(2)} |`
    }),
    '',
    `- action ÷ floor: **${(action / floor).toFixed(2)}×** (target ≤ 1.5×)`
  ]
  const cli = aws ? medians.get(list[list.length - 1]?.name ?? '') : undefined
  lines.push(
    cli
      ? `- AWS CLI ÷ action: **${(cli / action).toFixed(2)}×** faster (target ≥ 4×)`
      : '- AWS CLI: not installed here, not measured'
  )
  const max = medians.get(list[2]?.name ?? '') ?? 0
  lines.push(`- 122,880 bytes of output variables ÷ minimal: **${(max / action).toFixed(2)}×**`)
  const mainJs = jsBytes(join(root, 'dist'))
  lines.push(
    `- bundle: \`dist/*.js\` ${(mainJs / 1024).toFixed(0)} KiB (target < 1024 KiB)` +
      (existsSync(join(root, 'dist', 'dispatch'))
        ? `; dispatcher \`dist/dispatch/*.js\` ${(jsBytes(join(root, 'dist', 'dispatch')) / 1024).toFixed(0)} KiB`
        : '')
  )
  if (profile) lines.push('', profile)
  const table = lines.join('\n')
  console.log(table)
  const artifacts = process.env.BENCH_ARTIFACTS === '0' ? undefined : await artifactBench(root, node, aws)
  if (artifacts) console.log(`\n${artifacts}`)
  const dispatch = process.env.BENCH_DISPATCH === '0' ? undefined : await dispatchBench(root, node, version)
  if (dispatch) console.log(`\n${dispatch}`)
  const lifecycle = process.env.BENCH_LIFECYCLE === '0' ? undefined : await lifecycleBench(root, node, version)
  if (lifecycle) console.log(`\nHow long a dead run holds its pipeline\n\n${lifecycle}`)

  if (flags.has('--readme')) {
    await writeBenchmarkDoc(root, {
      BENCHMARK: table,
      'ARTIFACT-BENCHMARK': artifacts,
      'DISPATCH-BENCHMARK': dispatch,
      'LIFECYCLE-BENCHMARK': lifecycle
    })
  }
}

const flags = checkFlags(
  process.argv.slice(2),
  ['--readme'],
  `Usage: npm run bench [-- --readme]

Times one job report (and artifact transfers, and dispatch latency) against the local
emulator, as medians and ratios side by side. Environment: BENCH_RUNS (${RUNS}), BENCH_PROFILE_RUNS (${PROFILE_RUNS}, 0 to skip the profile),
BENCH_ARTIFACTS=0 / BENCH_DISPATCH=0 / BENCH_LIFECYCLE=0 to skip a part, BENCH_ARTIFACT_MB (${SIZE_MB}).

  --readme   also write the figures into docs/benchmarks.md, with the date and machine
  --help     show this help`
)
await main()
