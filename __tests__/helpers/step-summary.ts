// A step summary file for tests that call the real @actions/core summary:
// core.summary reads GITHUB_STEP_SUMMARY once and keeps the path, so a test
// file gets one file, emptied (with the summary buffer) before each test.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import * as core from '@actions/core'

/** Sets up the file for the calling test file; returns what was written to it so far. */
export function useStepSummaryFile(): () => string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'step-summary-')), 'summary.md')
  const saved = process.env.GITHUB_STEP_SUMMARY
  beforeAll(() => {
    process.env.GITHUB_STEP_SUMMARY = file
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
    else process.env.GITHUB_STEP_SUMMARY = saved
  })
  beforeEach(() => {
    writeFileSync(file, '')
    core.summary.emptyBuffer()
  })
  return () => readFileSync(file, 'utf8')
}
