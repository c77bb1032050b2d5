/**
 * Where the report's start-up time goes: the action run as the bench runs it,
 * under Node's sampling profiler (`--cpu-prof`), each sample's self time
 * charged to a part (Node's own start-up and built-ins, the entry bundle, each
 * chunk named by the packages its source map lists, the garbage collector,
 * waiting). Medians over a few runs; shares, not pass/fail.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { basename, join } from 'node:path'
import { median } from './stats.js'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly url: string; readonly functionName: string }
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
  readonly startTime: number
  readonly endTime: number
}

/** What a bundle file holds, from its source map: "our code", or the packages most of its sources come from. */
function chunkLabel(file: string): string {
  if (basename(file) === 'index.js') return 'entry bundle: @actions/core and the action'
  let sources: string[] = []
  try {
    sources = (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources?: string[] }).sources ?? []
  } catch {
    return `chunk ${basename(file)}`
  }
  const counts = new Map<string, number>()
  for (const source of sources) {
    const found = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)
    const name = found?.[1]?.replace(/^(@aws-sdk|@smithy)\/.*/, 'AWS SDK') ?? 'the action'
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 2)
  return `chunk ${basename(file)}: ${top.map(([name]) => name).join(', ')}`
}

/** Self time in ms of one profile, by part. */
function parts(profile: CpuProfile, labels: Map<string, string>): Map<string, number> {
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const out = new Map<string, number>()
  for (const node of profile.nodes) {
    const ms = (self.get(node.id) ?? 0) / 1000
    if (ms === 0) continue
    const { url, functionName } = node.callFrame
    let part: string
    if (url.startsWith('file://')) {
      const file = new URL(url).pathname
      part = labels.get(file) ?? chunkLabel(file)
      labels.set(file, part)
    } else if (url.startsWith('node:') || url === '') {
      part =
        functionName === '(garbage collector)'
          ? 'garbage collector'
          : functionName === '(idle)'
            ? 'idle: waiting on the network or the disk'
            : functionName === '(program)'
              ? 'V8 and native work outside JavaScript (compiling, loading)'
              : "Node's built-in modules and native calls"
    } else {
      part = url
    }
    out.set(part, (out.get(part) ?? 0) + ms)
  }
  return out
}

/**
 * Runs `command` `runs` times with `--cpu-prof` (env from `envFor`, which
 * also prepares a fresh job) and returns a Markdown table of the median self
 * time per part and the median share of the profile.
 */
export async function profileStartUp(
  command: readonly string[],
  envFor: () => Record<string, string>,
  runs: number,
  check: () => void
): Promise<string> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-profile-'))
  const perRun: Map<string, number>[] = []
  const walls: number[] = []
  const profiled: number[] = []
  const labels = new Map<string, string>()
  try {
    for (let run = 0; run < runs; run++) {
      const out = join(dir, String(run))
      const env = envFor()
      const started = process.hrtime.bigint()
      await new Promise<void>((done, fail) => {
        // `command` is Node and its script: the profiler's flags go before the script, as arguments (Node 20
        // refuses --cpu-prof in NODE_OPTIONS).
        const [file = '', ...args] = command
        const flags = ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=100']
        const child = spawn(file, [...flags, ...args], { env, stdio: 'ignore' })
        child.on('error', fail)
        child.on('exit', code => (code === 0 ? done() : fail(new Error(`profiled run exited ${code}`))))
      })
      walls.push(Number(process.hrtime.bigint() - started) / 1e6)
      check()
      const [name] = readdirSync(out)
      if (!name) throw new Error('the profiled run wrote no profile')
      const profile = JSON.parse(readFileSync(join(out, name), 'utf8')) as CpuProfile
      profiled.push((profile.endTime - profile.startTime) / 1000)
      perRun.push(parts(profile, labels))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const names = [...new Set(perRun.flatMap(p => [...p.keys()]))]
  const rows = names.map(name => ({ name, ms: median(perRun.map(p => p.get(name) ?? 0)) })).sort((a, b) => b.ms - a.ms)
  const total = median(profiled)
  return [
    `Where the action's time goes: ${runs} runs under \`--cpu-prof\` (100 µs samples), self time by part, median. ` +
      `Process ${median(walls).toFixed(0)} ms with the profiler on, of which the profile covers ${total.toFixed(0)} ms ` +
      '(the rest is the process starting and exiting).',
    '',
    '| part | ms | share of the profile |',
    '|---|---:|---:|',
    ...rows.map(r => `| ${r.name} | ${r.ms.toFixed(1)} | ${((100 * r.ms) / total).toFixed(0)} % |`)
  ].join('\n')
}
