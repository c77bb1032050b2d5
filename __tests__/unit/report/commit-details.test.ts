import { lookUpCommit } from '../../../src/report/commit-details.js'
import type { RevisionSettings } from '../../../src/report/settings.js'
import { startFakeGitHub, type FakeGitHub } from '../../helpers/fake-github.js'
import { SHA } from '../../helpers/constants.js'
import { CONTEXT } from './fixtures.js'

const workflowCommit: RevisionSettings = { revision: SHA, changeIdentifier: SHA, isWorkflowCommit: true }
let github: FakeGitHub

beforeEach(async () => {
  github = await startFakeGitHub()
})
afterEach(async () => {
  await github.close()
})

it('takes head_commit from the event when it is the revision, without calling the API', async () => {
  const ctx = {
    ...CONTEXT,
    apiUrl: github.url,
    headCommit: { id: SHA, timestamp: '2026-11-01T10:00:00Z', message: 'Msg' }
  }
  const { details } = await lookUpCommit(workflowCommit, ctx, 'token')
  expect(details).toEqual({ created: new Date('2026-11-01T10:00:00Z'), summary: 'Msg' })
  expect(github.calls).toHaveLength(0)
})

it('reads the commit from the REST API, committer date first, with the token', async () => {
  github.addCommit('octo/app', {
    sha: SHA,
    message: 'From API',
    committerDate: '2026-11-02T00:00:00Z',
    authorDate: '2026-10-01T00:00:00Z'
  })
  const { details, notes } = await lookUpCommit(workflowCommit, { ...CONTEXT, apiUrl: github.url }, 'tok123')
  expect(details).toEqual({ created: new Date('2026-11-02T00:00:00Z'), summary: 'From API' })
  expect(notes.filter(n => n.level === 'warning')).toEqual([])
  expect(github.calls).toEqual([
    expect.objectContaining({ method: 'GET', path: `/repos/octo/app/commits/${SHA}`, authorization: 'token tok123' })
  ])
})

it('falls back to the author date', async () => {
  github.addCommit('octo/app', { sha: SHA, message: 'm', authorDate: '2026-10-01T00:00:00Z' })
  const { details } = await lookUpCommit(workflowCommit, { ...CONTEXT, apiUrl: github.url }, 'tok')
  expect(details.created).toEqual(new Date('2026-10-01T00:00:00Z'))
})

it('warns and leaves the details out when the API fails', async () => {
  github.answerNext(/commits/, { status: 500, body: { message: 'boom' } })
  const { details, notes } = await lookUpCommit(workflowCommit, { ...CONTEXT, apiUrl: github.url }, 'tok')
  expect(details).toEqual({})
  expect(notes).toEqual([
    { level: 'warning', message: expect.stringContaining(`Could not read commit ${SHA} from the GitHub API`) }
  ])
})

it('warns when the API is unreachable', async () => {
  await github.close()
  const { details, notes } = await lookUpCommit(workflowCommit, { ...CONTEXT, apiUrl: github.url }, 'tok')
  expect(details).toEqual({})
  expect(notes[0]?.level).toBe('warning')
})

it('does not look up a revision that is not the workflow commit, nor one whose details are given', async () => {
  const ctx = { ...CONTEXT, apiUrl: github.url }
  await lookUpCommit({ ...workflowCommit, revision: 'other', isWorkflowCommit: false }, ctx, 'tok')
  await lookUpCommit({ ...workflowCommit, created: new Date(0), summary: 's' }, ctx, 'tok')
  expect(github.calls).toHaveLength(0)
})

it('cuts a long commit message to 2048 code points and drops an unparsable date with a warning', async () => {
  const ctx = { ...CONTEXT, headCommit: { id: SHA, timestamp: 'garbage', message: 'm'.repeat(3000) } }
  const { details, notes } = await lookUpCommit(workflowCommit, ctx, undefined)
  expect(details.created).toBeUndefined()
  expect(details.summary).toHaveLength(2048)
  expect(notes).toContainEqual({ level: 'warning', message: expect.stringContaining('Leaving out the commit date') })
})
