// dist/ is what runners execute: it must be exactly what the sources build to.
// Builds every entry point into a temporary folder with the project's own
// package script and compares the result with the committed dist/, file list
// and bytes. Run `npm run package` and commit dist/ when this fails.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const COMMITTED = join(ROOT, 'dist')
// ncc takes about 15 s per entry point; leave room for a slow machine.
const BUILD_TIMEOUT_MS = 240_000

let fresh: string

beforeAll(() => {
  fresh = mkdtempSync(join(tmpdir(), 'dist-fresh-'))
  execFileSync(process.execPath, [join(ROOT, 'script', 'package.mjs'), fresh], { cwd: ROOT, stdio: 'pipe' })
}, BUILD_TIMEOUT_MS)

afterAll(() => {
  if (fresh) rmSync(fresh, { recursive: true, force: true })
})

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort()
}

it('a fresh build has the same files as the committed dist/', () => {
  expect(listFiles(COMMITTED)).toEqual(listFiles(fresh))
})

it('every file of a fresh build is byte for byte the committed one', () => {
  const differing = listFiles(fresh).filter(file => {
    let committed: Buffer
    try {
      committed = readFileSync(join(COMMITTED, file))
    } catch {
      return true
    }
    return !committed.equals(readFileSync(join(fresh, file)))
  })
  expect(differing).toEqual([])
})

it('the bundles ship the licence of every runtime dependency', () => {
  const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
  }
  // Each bundle's licenses.txt lists a package as a line with its name, then its licence.
  // A dependency needs to be in the bundle that uses it (yauzl only in dist/artifacts/).
  const listed = new Set(
    listFiles(COMMITTED)
      .filter(file => file.endsWith('licenses.txt'))
      .flatMap(file => readFileSync(join(COMMITTED, file), 'utf8').split('\n'))
  )
  expect(Object.keys(dependencies).filter(name => !listed.has(name))).toEqual([])
})
