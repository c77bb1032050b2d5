#!/usr/bin/env node
// `npm test`: runs jest with the environment it needs, set from Node rather
// than with `VAR=value` shell syntax, so the same command works in Windows
// cmd and PowerShell. Arguments pass through (`npm test -- --json ...`).
//
// - --experimental-vm-modules: jest runs the ESM toolkit only in this mode.
// - quiet-vm-modules.mjs, preloaded: drops the one warning that flag causes
//   in every jest process; any other warning still prints.
// - AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the SDK warns on Node < 22.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const jest = createRequire(import.meta.url).resolve('jest/bin/jest')
const preload = pathToFileURL(join(import.meta.dirname, 'quiet-vm-modules.mjs')).href
const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules', `--import=${preload}`]

const child = spawn(process.execPath, [jest, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_OPTIONS: nodeOptions.filter(Boolean).join(' '),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
})
child.once('error', error => {
  console.error(`could not start jest: ${error.message}`)
  process.exitCode = 1
})
child.once('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal)
  else process.exitCode = code ?? 1
})
