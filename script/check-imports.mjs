#!/usr/bin/env node
// Checks src/'s import graph: no cycle anywhere, and no import between
// src/report/ and src/dispatch/ (what both need lives in src/common/ or
// src/codepipeline/), and nothing imports src/lambda/ (an entry point that
// builds on the dispatcher). Prints each problem and exits 1 when there are any.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')
const src = join(root, 'src')

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** Each module's relative imports, static and dynamic, as paths from src/. */
export function importGraph() {
  const graph = new Map()
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)\.js'/g)].map(m =>
      relative(src, normalize(join(dirname(file), `${m[1]}.ts`)))
    )
    graph.set(
      relative(src, file).replaceAll('\\', '/'),
      targets.map(t => t.replaceAll('\\', '/'))
    )
  }
  return graph
}

export function problems(graph) {
  const found = []
  const area = path => path.split(/[\\/]/)[0]
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const pair = [area(from), area(to)].sort().join('+')
      if (pair === 'dispatch+report')
        found.push(`${from} imports ${to}: report and dispatch must not import each other`)
      if (
        (area(from) === 'common' || area(from) === 'codepipeline') &&
        (area(to) === 'report' || area(to) === 'dispatch')
      )
        found.push(`${from} imports ${to}: shared code must not depend on one action`)
      if (area(to) === 'lambda' && area(from) !== 'lambda')
        found.push(`${from} imports ${to}: nothing outside src/lambda/ may import the Lambda handler`)
    }
  }
  const state = new Map()
  const stack = []
  const visit = node => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push(`cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')}`)
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return found
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = problems(importGraph())
  for (const p of found) console.log(p)
  console.log(found.length === 0 ? 'Import graph: no cycles, no cross-action imports.' : `${found.length} problem(s).`)
  process.exit(found.length === 0 ? 0 : 1)
}
