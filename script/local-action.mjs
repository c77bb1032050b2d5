#!/usr/bin/env node
// `npm run local-action` and `npm run local-action:dispatch`: @github/local-action's
// `run <action folder> <entry> <env file>`, after one check of our own. Without
// the env file local-action ends in a long stack trace; this says in one line
// which file to copy instead.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const [actionDir, entry, envFile] = process.argv.slice(2)
if (!actionDir || !entry || !envFile) {
  console.error('Usage: node script/local-action.mjs <action folder> <entry, from that folder> <env file>')
  process.exit(2)
}

if (!existsSync(resolve(envFile))) {
  const name = relative(process.cwd(), resolve(envFile)) || envFile
  console.error(
    `${name} not found: copy ${name}.example to ${name} (it names the emulator command to start first), then run this again.`
  )
  process.exit(1)
}

// The package exports no subpaths: its bin is found where npm installs a direct devDependency.
const bin = join(import.meta.dirname, '..', 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
const { status, error } = spawnSync(process.execPath, [bin, 'run', actionDir, entry, envFile], { stdio: 'inherit' })
if (error) throw error
process.exit(status ?? 1)
