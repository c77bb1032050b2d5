import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readWorkflowContext } from '../../../src/report/workflow-context.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-context-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('the event file', () => {
  it('gives head_commit when it is JSON, with no note', () => {
    const file = path.join(dir, 'push.json')
    writeFileSync(file, JSON.stringify({ head_commit: { id: 'abc', message: 'm', timestamp: 't' } }))
    const ctx = readWorkflowContext({ GITHUB_EVENT_PATH: file })
    expect(ctx.headCommit).toEqual({ id: 'abc', message: 'm', timestamp: 't' })
    expect(ctx.eventNote).toBeUndefined()
  })
  it('not JSON: a warning that names the file and says the API is asked instead', () => {
    const file = path.join(dir, 'broken.json')
    writeFileSync(file, '{ nope')
    const ctx = readWorkflowContext({ GITHUB_EVENT_PATH: file })
    expect(ctx.headCommit).toBeUndefined()
    expect(ctx.eventNote).toEqual({
      level: 'warning',
      message: expect.stringMatching(
        new RegExp(
          `^The event file ${JSON.stringify(file).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is not JSON \\(.+\\); .*GitHub API\\.$`
        )
      )
    })
  })
  it('missing: a debug line that names the file', () => {
    const file = path.join(dir, 'missing.json')
    const ctx = readWorkflowContext({ GITHUB_EVENT_PATH: file })
    expect(ctx.eventNote).toEqual({ level: 'debug', message: expect.stringContaining(JSON.stringify(file)) })
  })
  it('not set: nothing to say', () => {
    expect(readWorkflowContext({}).eventNote).toBeUndefined()
  })
})
