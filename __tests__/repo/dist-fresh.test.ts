// dist/ is what runners execute: it must be exactly what the sources build to.
// Builds every entry point into a temporary folder with the project's own
// package script and compares the result with the committed dist/, file list
// and bytes. Run `npm run package` and commit dist/ when this fails.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// @ts-expect-error: a plain .mjs script, no type declarations
import { importGraph } from '../../script/check-imports.mjs'
// @ts-expect-error: a plain .mjs script, no type declarations
import { ENTRIES as ENTRY_LIST } from '../../script/entries.mjs'

const ENTRIES = ENTRY_LIST as readonly { source: string; out: string }[]

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const COMMITTED = join(ROOT, 'dist')
// ncc takes about 15 s per entry point; leave room for a slow machine.
const BUILD_TIMEOUT_MS = 240_000

let fresh: string
/** Set when this test built the bundles itself, and so must remove them. */
let ownBuild: string | undefined

beforeAll(async () => {
  // npm test's whole run starts the build when it starts (script/test.mjs): wait for it.
  const early = process.env.DIST_FRESH_BUILD
  if (early) {
    fresh = join(early, 'dist')
    await waitForBuild(early)
    return
  }
  ownBuild = mkdtempSync(join(tmpdir(), 'dist-fresh-'))
  fresh = ownBuild
  // The package script's progress (a line per bundle) goes to the terminal: this build takes minutes.
  execFileSync(process.execPath, [join(ROOT, 'script', 'package.mjs'), fresh], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit']
  })
}, BUILD_TIMEOUT_MS)

afterAll(() => {
  if (ownBuild) rmSync(ownBuild, { recursive: true, force: true })
})

/** Resolves when the early build has ended well; rejects with its log when it failed. */
async function waitForBuild(folder: string): Promise<void> {
  process.stderr.write(`dist-fresh: waiting for the bundles npm test began building at its start (${folder})\n`)
  const exitCode = join(folder, 'exit-code')
  while (!existsSync(exitCode)) await new Promise(resolve => setTimeout(resolve, 250))
  const code = readFileSync(exitCode, 'utf8')
  if (code !== '0') {
    throw new Error(`the build exited with ${code}:\n${readFileSync(join(folder, 'build.log'), 'utf8')}`)
  }
}

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

/** The npm packages a source file imports at run time (type-only imports are erased and bundle nothing). */
function runtimePackages(file: string): string[] {
  const text = readFileSync(join(ROOT, 'src', file), 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'([^'.][^']*)'/gm)) {
    const [, typeOnly, bindings = '', specifier = ''] = m
    const names = /^\{([^}]*)\}$/s
      .exec(bindings.trim())?.[1]
      ?.split(',')
      .map(n => n.trim())
      .filter(n => n !== '')
    if (typeOnly || (names && names.every(n => n.startsWith('type ')))) continue
    found.push(specifier)
  }
  for (const m of text.matchAll(/import\(\s*'([^'.][^']*)'\s*\)/g)) found.push(m[1] ?? '')
  return found
    .filter(s => !s.startsWith('node:'))
    .map(s =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/')
    )
}

/** The packages an entry point's own code imports: through every src/ module it reaches. */
function entryPackages(source: string): string[] {
  const graph = (importGraph as () => Map<string, string[]>)()
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const next of graph.get(file) ?? []) visit(next)
  }
  visit(source.replace(/^src\//, ''))
  return [...new Set([...seen].flatMap(runtimePackages))].sort()
}

function listedPackages(bundle: string): Set<string> {
  // Each entry of licenses.txt starts with the package's name on a line of its own.
  return new Set(readFileSync(join(COMMITTED, bundle, 'licenses.txt'), 'utf8').split('\n'))
}

describe.each(ENTRIES)('the bundle of $source', ({ source, out }) => {
  it('is in dist/ as an ES module with its licences', () => {
    expect(JSON.parse(readFileSync(join(COMMITTED, out, 'package.json'), 'utf8'))).toEqual({ type: 'module' })
    expect(listFiles(join(COMMITTED, out))).toEqual(expect.arrayContaining(['index.js', 'licenses.txt']))
  })

  it('ships the licence of every package its code imports', () => {
    const imported = entryPackages(source)
    expect(imported.length).toBeGreaterThan(0)
    const listed = listedPackages(out)
    expect(imported.filter(name => !listed.has(name))).toEqual([])
  })
})

it('every runtime dependency is bundled by some entry point and its licence shipped there', () => {
  const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
  }
  const listed = ENTRIES.map(e => listedPackages(e.out))
  expect(Object.keys(dependencies).filter(name => !listed.some(l => l.has(name)))).toEqual([])
})

it('the import scan finds what a file imports at run time and skips type-only imports', () => {
  expect(runtimePackages('lambda/secret.ts')).toEqual(['@aws-sdk/client-secrets-manager'])
  // Only `import type { CodePipelineClient }` from the SDK: erased.
  expect(runtimePackages('dispatch/dispatcher.ts')).toEqual([])
  // A type import and a dynamic import('@actions/github'): the latter counts.
  expect(runtimePackages('dispatch/octokit.ts')).toEqual(['@actions/github'])
  expect(entryPackages('src/lambda/index.ts')).toEqual(
    expect.arrayContaining(['@aws-sdk/client-codepipeline', '@aws-sdk/client-secrets-manager', '@octokit/auth-app'])
  )
})
