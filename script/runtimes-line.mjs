#!/usr/bin/env node
// `node script/runtimes-line.mjs jest.json`: one line saying which Node
// versions the bundle tests ran under, read from the test names in jest's
// --json result (run-action.ts's runtimes put `node vX.Y.Z` in each name), so
// the line reports what ran rather than what was configured.
import { readFileSync } from 'node:fs'

const result = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const versions = new Set()
for (const suite of result.testResults) {
  for (const test of suite.assertionResults) {
    if (test.status !== 'passed' && test.status !== 'failed') continue
    for (const [, version] of test.fullName.matchAll(/\bnode (v\d+\.\d+\.\d+)\b/g)) versions.add(version)
  }
}
const sorted = [...versions].sort((a, b) => Number(a.slice(1).split('.')[0]) - Number(b.slice(1).split('.')[0]))
if (sorted.length === 0) {
  console.log('bundle tests ran under no named Node version (none of them ran)')
} else if (!sorted.some(v => v.startsWith('v24.'))) {
  console.log(
    `bundle tests ran only under node ${sorted.join(' and ')}: no Node 24 found, set NODE24_BIN or run npm run node24`
  )
} else {
  console.log(`bundle tests ran under node ${sorted.join(' and ')}`)
}
