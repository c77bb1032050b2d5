// Every run of the action loads dist/index.js; the AWS SDK, Octokit and undici
// are large and must stay in chunks loaded only when needed (the SDK once the
// inputs are valid, Octokit and undici only for a commit lookup). A static
// import added in the wrong place would pull them into start-up unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../../dist', import.meta.url))
const entry = readFileSync(join(DIST, 'index.js'), 'utf8')
const chunks = readdirSync(DIST)
  .filter(f => /^\d+\.index\.js$/.test(f))
  .map(f => ({ name: f, text: readFileSync(join(DIST, f), 'utf8') }))

// A string each package carries in its own code (user agents, mostly).
const MARKERS = [
  ['the AWS SDK', 'aws-sdk-js'],
  ['Octokit', 'octokit'],
  ['undici', 'undici']
] as const

it.each(MARKERS)('%s is in a lazily loaded chunk, not in the entry bundle', (_, marker) => {
  expect(chunks.filter(c => c.text.includes(marker)).map(c => c.name)).not.toEqual([])
  expect(entry.includes(marker)).toBe(false)
})

it('the entry bundle stays small', () => {
  // About 70 KB today: @actions/core and this action's own modules.
  expect(entry.length).toBeLessThan(150_000)
})

// Lambda loads dist/lambda/ as the whole function (arm64 included): every
// module it needs at run time is either bundled or a Node built-in, and there
// is no native addon that would tie it to one platform.
describe('the Lambda bundle (dist/lambda/)', () => {
  const LAMBDA = join(DIST, 'lambda')
  const files = readdirSync(LAMBDA)
  const code = files.filter(f => f.endsWith('.js')).map(f => readFileSync(join(LAMBDA, f), 'utf8'))

  it('loads nothing but Node built-ins from outside the bundle', () => {
    // ncc turns each import of a module it leaves out into createRequire(import.meta.url)("name").
    const external = code.flatMap(text =>
      [...text.matchAll(/\(import\.meta\.url\)\("([^"]+)"\)/g)].map(m => m[1] ?? '')
    )
    expect(external.length).toBeGreaterThan(0)
    expect(external.filter(name => !isBuiltin(name))).toEqual([])
  })

  it('has no native addon', () => {
    expect(files.filter(f => f.endsWith('.node'))).toEqual([])
  })
})

// Moving artifacts needs the S3 client and a zip library: a report without
// artifacts must not load them, and the artifacts action loads them only once
// its inputs are good.
const ARTIFACT_MARKERS = [
  ['the S3 client', 'CreateMultipartUpload'],
  ['yazl (zip writer)', 'empty metadataPath']
] as const

it.each(ARTIFACT_MARKERS)('%s is in a lazily loaded chunk of the report bundle only', (_, marker) => {
  expect(chunks.filter(c => c.text.includes(marker)).map(c => c.name)).not.toEqual([])
  expect(entry.includes(marker)).toBe(false)
})

describe('dist/artifacts', () => {
  const dir = join(DIST, 'artifacts')
  const artifactsEntry = readFileSync(join(dir, 'index.js'), 'utf8')
  const artifactsChunks = readdirSync(dir)
    .filter(f => /^\d+\.index\.js$/.test(f))
    .map(f => readFileSync(join(dir, f), 'utf8'))

  it.each([
    ['the AWS SDK', 'aws-sdk-js'],
    ['the S3 client', 'GetObjectCommand'],
    ['yauzl (zip reader)', 'multi-disk zip files are not supported']
  ])('%s is in a lazily loaded chunk, not in the entry bundle', (_, marker) => {
    expect(artifactsChunks.some(c => c.includes(marker))).toBe(true)
    expect(artifactsEntry.includes(marker)).toBe(false)
  })

  it('the entry bundle stays small', () => {
    expect(artifactsEntry.length).toBeLessThan(150_000)
  })
})

describe('source maps', () => {
  const bundles = ['.', 'dispatch', 'lambda', 'artifacts'].map(out => join(DIST, out))

  it.each(bundles)('every .js file in %s has a map beside it that leads to existing files under src/', dir => {
    const scripts = readdirSync(dir).filter(f => f.endsWith('.js'))
    for (const script of scripts) {
      const text = readFileSync(join(dir, script), 'utf8')
      // Only the comment: nothing loads the map unless Node runs with --enable-source-maps.
      expect(text.trimEnd().endsWith(`//# sourceMappingURL=${script}.map`)).toBe(true)
      expect(text).not.toContain('sourcemap-register')
      const map = JSON.parse(readFileSync(join(dir, `${script}.map`), 'utf8')) as {
        sources: string[]
        sourcesContent?: unknown
      }
      expect(map.sourcesContent).toBeUndefined()
      for (const source of map.sources.filter(s => s.includes('/src/'))) {
        expect(existsSync(join(dir, source))).toBe(true)
      }
    }
    const entryMap = JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')) as { sources: string[] }
    expect(entryMap.sources.some(s => /^(\.\.\/)+src\/.+\.ts$/.test(s))).toBe(true)
  })
})
