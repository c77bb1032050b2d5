#!/usr/bin/env node
// Builds every entry point with ncc: `node script/package.mjs [outDir]`.
// The check-dist test builds into a temporary folder and compares it with dist/.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { minify } from 'terser'

const root = resolve(import.meta.dirname, '..')
const outDir = resolve(process.argv[2] ?? join(root, 'dist'))
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

/** Each entry point and the folder of its bundle, relative to outDir. */
const ENTRIES = [
  { source: 'src/index.ts', out: '.' },
  { source: 'src/dispatch/index.ts', out: 'dispatch' }
]

rmSync(outDir, { recursive: true, force: true })
for (const { source, out } of ENTRIES) {
  if (!existsSync(join(root, source))) continue
  execFileSync(
    process.execPath,
    [ncc, 'build', source, '-o', join(outDir, out), '--minify', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: 'inherit' }
  )
}

// ncc's --minify covers each entry file but not the chunks split off at
// dynamic imports (the AWS SDK, Octokit): minify those too, for size.
for (const { source, out } of ENTRIES) {
  const dir = join(outDir, out)
  if (!existsSync(join(root, source))) continue
  for (const file of readdirSync(dir).filter(f => /^\d+\.index\.js$/.test(f))) {
    const path = join(dir, file)
    const { code } = await minify(readFileSync(path, 'utf8'), { module: true, compress: true, mangle: true })
    writeFileSync(path, code ?? '')
  }
}
