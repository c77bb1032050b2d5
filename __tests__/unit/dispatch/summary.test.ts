// The dispatcher's job summary, written by the real @actions/core into a step
// summary file and read back with an HTML parser: every element is closed,
// whatever the jobs hold (empty values, failures, skipped, rate-limit waits).
import type { DispatchRound, JobOutcome } from '../../../src/dispatch/dispatcher.js'
import { writeDispatchSummary } from '../../../src/dispatch/summary.js'
import { htmlProblems } from '../../helpers/html.js'
import { useStepSummaryFile } from '../../helpers/step-summary.js'

const ACTION_TYPE = { category: 'Build', provider: 'GitHubActions', version: '1' } as const
const TARGET = { repository: 'octo/app', workflow: 'ship.yml', ref: 'main' }
const written = useStepSummaryFile()

function roundOf(jobs: JobOutcome[]): DispatchRound {
  const count = (status: JobOutcome['status']): number => jobs.filter(j => j.status === status).length
  return {
    seen: jobs.length,
    dispatched: count('dispatched'),
    skipped: count('skipped'),
    failed: count('failed'),
    rateLimitWaits: jobs.reduce((sum, j) => sum + (j.rateLimitWaits ?? 0), 0),
    jobs
  }
}

async function summaryOf(jobs: JobOutcome[]): Promise<string> {
  await writeDispatchSummary(roundOf(jobs), ACTION_TYPE)
  return written()
}

describe('writeDispatchSummary', () => {
  it('closes every cell of a job with nothing but its ID (no pipeline, target, run or message)', async () => {
    const html = await summaryOf([{ jobId: 'job-bare', status: 'failed', needsAttention: true }])
    expect(html).toContain('job-bare')
    expect(htmlProblems(html)).toEqual([])
  })

  it("warns once per workflow about inputs it does not declare, and about the user's Inputs", async () => {
    const warning = 'Workflow ship.yml in octo/app does not declare the input(s) source-revision <here>'
    const job = (jobId: string): JobOutcome => ({
      jobId,
      status: 'dispatched',
      target: TARGET,
      droppedInputs: ['source-revision'],
      inputWarnings: [warning],
      needsAttention: false
    })
    const html = await summaryOf([job('job-1'), job('job-2')])
    expect(html.split('> [!WARNING]')).toHaveLength(2)
    expect(html).toContain('source-revision &#60;here&#62;')
    expect(htmlProblems(html)).toEqual([])
  })

  it('is well-formed for dispatched, failed and skipped jobs together, and counts rate-limit waits', async () => {
    const html = await summaryOf([
      {
        jobId: 'job-1',
        status: 'dispatched',
        pipelineName: 'app',
        stage: 'Build',
        action: 'Run',
        target: TARGET,
        runUrl: 'https://github.example/octo/app/actions/runs/1?a=1&b=2',
        workflowUrl: 'https://github.example/octo/app/actions/workflows/ship.yml',
        needsAttention: false
      },
      {
        jobId: 'job-2',
        status: 'failed',
        pipelineName: 'app',
        target: TARGET,
        workflowUrl: 'https://github.example/octo/app/actions/workflows/ship.yml',
        failureType: 'ConfigurationError',
        message: 'GitHub found no workflow "<ship>.yml" & more\n::error title=x::y',
        needsAttention: false
      },
      {
        jobId: 'job-3',
        status: 'skipped',
        message: 'Another worker acknowledged the job first.',
        needsAttention: false
      },
      {
        jobId: 'job-4',
        status: 'dispatched',
        stage: 'Deploy',
        rateLimitWaits: 2,
        needsAttention: false
      },
      { jobId: 'job-5', status: 'failed', failureType: 'JobFailed', message: '', needsAttention: true }
    ])
    expect(htmlProblems(html)).toEqual([])
    for (const id of ['job-1', 'job-2', 'job-3', 'job-4', 'job-5']) expect(html).toContain(id)
    expect(html).toContain('5 seen, 2 dispatched, 1 skipped, 2 failed.')
    expect(html).toMatch(/rate limit was waited out 2 time\(s\)/)
    // Foreign text is shown as text.
    expect(html).toContain('&#60;ship&#62;.yml')
    expect(html).not.toContain('<ship>')
  })

  it('is well-formed for a round without jobs', async () => {
    const html = await summaryOf([])
    expect(html).toContain('0 seen')
    expect(htmlProblems(html)).toEqual([])
  })
})
