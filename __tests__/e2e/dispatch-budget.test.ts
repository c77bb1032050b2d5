// The bundled dispatcher (dist/dispatch/index.js on Node 24, as a runner runs
// it) against the emulator and a GitHub that accepts connections and never
// answers. Nothing is killed by hand: the step must end by itself within its
// time budget, with every job it acknowledged either dispatched or reported
// as failed, and every other job left unacknowledged for a later round.
import { startEmulator, type Emulator } from '../../tools/emulator/index.js'
import { startFakeGitHub, type FakeGitHub } from '../helpers/fake-github.js'
import { htmlProblems } from '../helpers/html.js'
import { describeRun, node24Path, runAction } from '../helpers/run-action.js'

const ACTION_TYPE = { category: 'Build', owner: 'Custom', provider: 'GitHubActions', version: '1' }
// The least the input allows: the poll and one job (dispatch/README.md, "Time budget").
const TIMEOUT_SECONDS = 75
// Starting Node and loading the bundle, beyond the budget the step sets itself.
const START_MARGIN_MS = 5_000

let emu: Emulator
let github: FakeGitHub

beforeEach(async () => {
  emu = await startEmulator()
  github = await startFakeGitHub()
  github.addWorkflow('octo-org/app', 'pipeline-job.yml')
})
afterEach(async () => {
  await github.close()
  await emu.close()
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    category: 'Build',
    provider: 'GitHubActions',
    version: '1',
    repository: 'octo-org/app',
    workflow: 'pipeline-job.yml',
    ref: 'main',
    'github-token': 'ghs_dispatcher',
    'github-api-url': github.url,
    'endpoint-url': emu.url,
    'max-attempts': '3',
    ...extra
  }
}

function queuedJobs(count: number): string[] {
  return Array.from(
    { length: count },
    () =>
      emu.createJob({
        status: 'Queued',
        actionTypeId: ACTION_TYPE,
        pipelineContext: { pipelineName: 'app-pipeline', stage: { name: 'Build' } }
      }).id
  )
}

const jobIdOf = (body: unknown): string => (body as { jobId: string }).jobId

describe('bundled dispatcher, GitHub hanging', () => {
  it('ends within its budget; every acknowledged job is reported failed, the others stay unacknowledged', async () => {
    const ids = queuedJobs(5)
    github.hang(/dispatches$/)

    const run = await runAction({
      node: node24Path,
      script: 'dist/dispatch/index.js',
      inputs: inputs({ 'timeout-seconds': String(TIMEOUT_SECONDS) }),
      emulator: emu,
      // Far beyond the budget: if the step does not end by itself, the assertions below say so.
      timeoutMs: 3 * TIMEOUT_SECONDS * 1000
    })
    const story = describeRun(run)

    expect({ code: run.code, story }).toEqual({ code: 0, story })
    expect(run.durationMs).toBeLessThan(TIMEOUT_SECONDS * 1000 + START_MARGIN_MS)

    const acknowledged = new Set(emu.calls.filter(c => c.operation === 'AcknowledgeJob').map(c => jobIdOf(c.body)))
    // Three at once, then too little budget for a fourth (a job can need 60 s; a hung dispatch takes 24-27 s).
    expect(acknowledged.size).toBe(3)
    for (const id of ids) {
      const job = emu.getJob(id)
      if (acknowledged.has(id)) {
        expect(job?.status).toBe('Failed')
        expect(job?.result).toMatchObject({ kind: 'failure', failureDetails: { type: 'SystemUnavailable' } })
        expect(emu.results(id)).toHaveLength(1)
      } else {
        // Polled, never acknowledged: CodePipeline hands it out again.
        expect(job?.status).toBe('Dispatched')
        expect(emu.results(id)).toEqual([])
      }
    }
    // Each acknowledged job: at most the policy's 4 attempts at GitHub.
    expect(github.calls.filter(c => c.path.endsWith('/dispatches')).length).toBeLessThanOrEqual(3 * 4)

    expect(run.outputs).toMatchObject({ seen: '5', dispatched: '0', skipped: '0', failed: '3', deferred: '2' })
    const jobs = JSON.parse(run.outputs.jobs ?? '[]') as { jobId: string; status: string }[]
    expect(
      jobs
        .filter(j => j.status === 'deferred')
        .map(j => j.jobId)
        .sort()
    ).toEqual(ids.filter(id => !acknowledged.has(id)).sort())
    expect(run.warnings).toContainEqual(expect.stringMatching(/^2 job\(s\) left unacknowledged for a later round/))
    expect(run.stdout).toContain('5 job(s) seen: 0 dispatched, 0 skipped, 3 failed, 2 deferred.')
    expect(run.summary).toContain('⏳ Deferred')
    expect(htmlProblems(run.summary)).toEqual([])
  }, 300_000)
})

describe('bundled dispatcher, foreign text in the log', () => {
  it('a GitHub error message with a workflow command in it never starts a command line', async () => {
    const [jobId] = queuedJobs(1)
    github.answerNext(/dispatches$/, { status: 502, body: { message: 'Bad Gateway\n::error title=x::y' } })
    github.answerNext(/dispatches$/, { status: 404, body: { message: 'Not Found\n::error title=x::y' } })

    const run = await runAction({
      node: node24Path,
      script: 'dist/dispatch/index.js',
      inputs: inputs(),
      emulator: emu,
      env: { RUNNER_DEBUG: '1' }
    })

    expect(run.code).toBe(0)
    expect(emu.getJob(jobId ?? '')?.status).toBe('Failed')
    // The message did reach the log (retry line and failure warning), defused.
    expect(run.stdout).toContain('::error title=x::y')
    const commandLines = run.stdout.split(/\r?\n/).filter(line => /^\s*(::|##\[)/.test(line))
    expect(commandLines.filter(line => !/^::(warning|debug|add-mask|set-output)/.test(line))).toEqual([])
    expect(run.errors).toEqual([])
    expect(htmlProblems(run.summary)).toEqual([])
  }, 60_000)
})
