#!/usr/bin/env node
// Builds every entry point with ncc: `node script/package.mjs [outDir]`.
// The check-dist test builds into a temporary folder and compares it with dist/.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { minify } from 'terser'

const root = resolve(import.meta.dirname, '..')
const outDir = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

/** Each entry point and the folder of its bundle, relative to outDir. */
const ENTRIES = [
  { source: 'src/report/index.ts', out: '.' },
  { source: 'src/dispatch/index.ts', out: 'dispatch' },
  { source: 'src/artifacts/index.ts', out: 'artifacts' }
]

// Built beside the target and swapped in at the end, so that tests running
// the committed bundle never see a half-written or missing dist/.
const staging = mkdtempSync(join(dirname(outDir), '.package-'))
for (const { source, out } of ENTRIES) {
  if (!existsSync(join(root, source))) continue
  const dir = join(staging, out)
  const stats = join(mkdtempSync(join(tmpdir(), 'ncc-stats-')), 'stats.json')
  execFileSync(process.execPath, [ncc, 'build', source, '-o', dir, '--minify', '--stats-out', stats, '--quiet'], {
    cwd: root,
    stdio: 'inherit'
  })
  await minifyChunks(dir)
  writeFileSync(join(dir, 'licenses.txt'), licenceText(bundledPackages(JSON.parse(readFileSync(stats, 'utf8')))))
  rmSync(stats)
}
rmSync(outDir, { recursive: true, force: true })
renameSync(staging, outDir)

/**
 * ncc's --minify covers each entry file but not the chunks split off at
 * dynamic imports (the AWS SDK, Octokit): minify those too, for size.
 */
async function minifyChunks(dir) {
  for (const file of readdirSync(dir).filter(f => /^\d+\.index\.js$/.test(f))) {
    const path = join(dir, file)
    const { code } = await minify(readFileSync(path, 'utf8'), { module: true, compress: true, mangle: true })
    writeFileSync(path, code ?? '')
  }
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
