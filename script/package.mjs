#!/usr/bin/env node
// Builds every entry point with ncc: `node script/package.mjs [outDir]`.
// The check-dist test builds into a temporary folder and compares it with dist/.
// Prints one line per bundle (its time and size) on stderr as it goes; --quiet silences them.
// Every .js file gets a source map beside it, pointing at src/. Node reads the maps only when started with
// --enable-source-maps (NODE_OPTIONS), so they cost nothing at start-up otherwise: ncc's register script,
// which would load source-map-support on every start, is left out.
import { execFile } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { minify } from 'terser'
import { ENTRIES } from './entries.mjs'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const quiet = args.includes('--quiet')
const outDir = resolve(args.find(arg => !arg.startsWith('--')) ?? join(root, 'dist'))
const progress = text => {
  if (!quiet) process.stderr.write(`${text}\n`)
}
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

// Built beside the target and swapped in at the end, so that tests running
// the committed bundle never see a half-written or missing dist/.
const staging = mkdtempSync(join(dirname(outDir), '.package-'))
const entries = ENTRIES.filter(({ source }) => existsSync(join(root, source)))
// Each bundle is its own ncc process into its own folder: they build side by
// side, one per core (PACKAGE_JOBS overrides), and the output is the same.
const jobs = Math.max(1, Number(process.env.PACKAGE_JOBS) || availableParallelism())
const began = performance.now()
progress(`Building ${entries.length} bundles with ncc into ${outDir}, up to ${jobs} at a time...`)
let next = 0
let done = 0
await Promise.all(
  Array.from({ length: Math.min(jobs, entries.length) }, async () => {
    while (next < entries.length) await build(entries[next++])
  })
)

async function build({ source, out }) {
  const started = performance.now()
  const dir = join(staging, out)
  const stats = join(mkdtempSync(join(tmpdir(), 'ncc-stats-')), 'stats.json')
  await promisify(execFile)(
    process.execPath,
    [
      ncc,
      'build',
      source,
      '-o',
      dir,
      '--minify',
      '--source-map',
      '--no-source-map-register',
      '--stats-out',
      stats,
      '--quiet'
    ],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024
    }
  )
  await minifyChunks(dir)
  for (const file of readdirSync(dir).filter(f => f.endsWith('.js.map'))) tidySourceMap(join(dir, file), out)
  writeFileSync(join(dir, 'licenses.txt'), licenceText(bundledPackages(JSON.parse(readFileSync(stats, 'utf8')))))
  rmSync(stats)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  progress(
    `[${++done}/${entries.length}] ${source} -> ${join('dist', out)}: ${kib(jsBytes(dir))} KiB of .js in ${seconds} s`
  )
}
rmSync(outDir, { recursive: true, force: true })
renameSync(staging, outDir)
progress(`Done in ${((performance.now() - began) / 1000).toFixed(1)} s.`)

function jsBytes(dir) {
  return readdirSync(dir)
    .filter(f => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
}

function kib(bytes) {
  return (bytes / 1024).toFixed(0)
}

/**
 * ncc's --minify covers each entry file but not the chunks split off at
 * dynamic imports (the AWS SDK, Octokit): minify those too, for size.
 */
async function minifyChunks(dir) {
  for (const file of readdirSync(dir).filter(f => /^\d+\.index\.js$/.test(f))) {
    const path = join(dir, file)
    // The chunk's map from ncc goes in, so the map written out still leads to the sources.
    const { code, map } = await minify(readFileSync(path, 'utf8'), {
      module: true,
      compress: true,
      mangle: true,
      sourceMap: { content: readFileSync(`${path}.map`, 'utf8'), url: `${file}.map` }
    })
    writeFileSync(path, code ?? '')
    writeFileSync(`${path}.map`, typeof map === 'string' ? map : JSON.stringify(map))
  }
}

/**
 * ncc writes each source's path relative to the repository as if the map sat
 * one folder down (`../src/...`): made relative to the bundle's own folder,
 * so that a stack from dist/dispatch/ names ../../src/. The sources' text is
 * left out: a stack needs only file, line and column, and dist/ stays small.
 */
function tidySourceMap(path, out) {
  const map = JSON.parse(readFileSync(path, 'utf8'))
  const up = '../'.repeat(out === '.' ? 1 : out.split('/').length + 1)
  map.sources = map.sources.map(source => source.replace(/^(?:webpack:\/\/\/?)?(?:\.\.\/)?/, up))
  delete map.sourcesContent
  delete map.sourceRoot
  writeFileSync(path, JSON.stringify(map))
}

/**
 * The packages whose code is in an emitted chunk. ncc's own --license misses
 * modules that webpack concatenated (most ESM packages, @actions/core among
 * them), so the list comes from the build's module stats instead.
 */
function bundledPackages(stats) {
  const names = new Set()
  const visit = (modules, emitted) => {
    for (const module of modules ?? []) {
      const inChunk = emitted || (module.chunks ?? []).length > 0
      // The innermost node_modules folder names the package; nested copies keep their own path.
      const found = /^(?:.*\s)?\.?\/?((?:[^\s]*\/)?node_modules\/(?:@[^/]+\/)?[^/\s]+)/.exec(module.name ?? '')
      if (inChunk && found) names.add(found[1])
      visit(module.modules, inChunk)
    }
  }
  visit(stats.modules, false)
  return [...names].sort()
}

/** One entry a package: its name on a line of its own, version, licence, then the licence text. */
function licenceText(packageDirs) {
  const entries = packageDirs.map(relativeDir => {
    const dir = join(root, relativeDir)
    const { name, license = 'UNKNOWN', version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const file = readdirSync(dir).find(f => /^(licen[cs]e|copying)(\.|$)/i.test(f))
    const text = file
      ? readFileSync(join(dir, file), 'utf8').trim()
      : `(no licence file shipped; package.json says ${license})`
    return { key: `${name}@${version}`, text: `${name}\nversion ${version}, licence ${license}\n\n${text}\n` }
  })
  const unique = new Map(entries.sort((a, b) => a.key.localeCompare(b.key)).map(e => [e.key, e.text]))
  return [...unique.values()].join('\n')
}
