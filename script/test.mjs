#!/usr/bin/env node
// `npm test`: runs jest with the environment it needs, set from Node rather
// than with `VAR=value` shell syntax, so the same command works in Windows
// cmd and PowerShell. Arguments pass through (`npm test -- --json ...`).
//
// - --experimental-vm-modules: jest runs the ESM toolkit only in this mode.
// - quiet-vm-modules.mjs, preloaded: drops the one warning that flag causes
//   in every jest process; any other warning still prints.
// - AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the SDK warns on Node < 22.
// - A whole run (no test paths named) starts dist-fresh's build of the bundles
//   at once, beside jest, into DIST_FRESH_BUILD: the slowest step then overlaps
//   the other tests instead of following them, and jest gets two workers so
//   that the dist-fresh test's wait holds up nothing else. A run of chosen
//   tests leaves the build to the dist-fresh test itself, if it is chosen.
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const jest = createRequire(import.meta.url).resolve('jest/bin/jest')
const preload = pathToFileURL(join(import.meta.dirname, 'quiet-vm-modules.mjs')).href
const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules', `--import=${preload}`]

const args = process.argv.slice(2)
const env = {
  ...process.env,
  NODE_OPTIONS: nodeOptions.filter(Boolean).join(' '),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
}

// A test path is any argument that is not a flag (flags take their values with "=").
const wholeRun = args.every(arg => arg.startsWith('-'))
const early = wholeRun && !process.env.DIST_FRESH_BUILD ? startBundleBuild() : undefined
if (early) {
  env.DIST_FRESH_BUILD = early.folder
  if (!args.some(arg => /^(--maxWorkers|-w|--runInBand|-i$)/.test(arg))) args.push('--maxWorkers=2')
}

/** `node script/package.mjs <folder>/dist`, its output in build.log and its exit code in exit-code when it ends. */
function startBundleBuild() {
  const folder = mkdtempSync(join(tmpdir(), 'dist-fresh-'))
  const log = openSync(join(folder, 'build.log'), 'w')
  const build = spawn(process.execPath, [join(import.meta.dirname, 'package.mjs'), join(folder, 'dist')], {
    stdio: ['ignore', log, log]
  })
  build.once('exit', (code, signal) => writeFileSync(join(folder, 'exit-code'), String(code ?? signal)))
  return { folder, build }
}

function stopBundleBuild() {
  if (!early) return
  if (early.build.exitCode === null) early.build.kill()
  rmSync(early.folder, { recursive: true, force: true })
}

const child = spawn(process.execPath, [jest, ...args], { stdio: 'inherit', env })
child.once('error', error => {
  console.error(`could not start jest: ${error.message}`)
  stopBundleBuild()
  process.exitCode = 1
})
child.once('exit', (code, signal) => {
  stopBundleBuild()
  if (signal) process.kill(process.pid, signal)
  else process.exitCode = code ?? 1
})
