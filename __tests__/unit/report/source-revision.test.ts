import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { revisionMismatch } from '../../../src/report/source-revision.js'
import { readWorkflowContext, type WorkflowContext } from '../../../src/report/workflow-context.js'

const X = '1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c'
const HEAD = 'ffffeeeeddddccccbbbbaaaa9999888877776666'

describe('the dispatch source in the workflow context', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'source-revision-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const contextOf = (event: unknown): WorkflowContext => {
    const file = path.join(dir, 'event.json')
    writeFileSync(file, JSON.stringify(event))
    return readWorkflowContext({ GITHUB_EVENT_PATH: file })
  }

  it('is read from the workflow_dispatch inputs source-revision and source-artifact', () => {
    expect(contextOf({ inputs: { 'source-revision': X, 'source-artifact': 'SourceOutput' } }).source).toEqual({
      revision: X,
      artifact: 'SourceOutput'
    })
  })

  it('is absent without a source-revision, or with an empty or non-string one', () => {
    for (const inputs of [{}, { 'source-revision': '' }, { 'source-revision': 7 }, undefined])
      expect(contextOf({ inputs }).source).toBeUndefined()
  })
})

describe('revisionMismatch', () => {
  const ctx = (source?: WorkflowContext['source']): WorkflowContext => ({
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    ...(source ? { source } : {})
  })
  const revision = (value: string) => ({ revision: value, changeIdentifier: value, isWorkflowCommit: false })

  it('says nothing when the run reports the revision the pipeline carries, or none was sent', () => {
    expect(revisionMismatch(revision(X), ctx({ revision: X }))).toBeUndefined()
    expect(revisionMismatch(revision(HEAD), ctx())).toBeUndefined()
    expect(revisionMismatch(undefined, ctx({ revision: X }))).toBeUndefined()
  })

  it('names both revisions and the artifact when they differ', () => {
    expect(revisionMismatch(revision(HEAD), ctx({ revision: X, artifact: 'SourceOutput' }))).toBe(
      `This run reports revision ${HEAD}, but the pipeline carries ${X} (the revision of its input artifact ` +
        'SourceOutput) for this job: the stage worked on a different commit from the one the pipeline is deploying. ' +
        'Check out `inputs.source-revision` and pass the commit checked out as "revision" (see docs/report.md).'
    )
  })
})
