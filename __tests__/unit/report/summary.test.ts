// The reporting action's job summary, written by the real @actions/core into a
// step summary file and read back with an HTML parser: well-formed for a
// success, a failure, a warning and output variables (empty values included).
import { failureRequest, successRequest, type JobResultRequest } from '../../../src/codepipeline/job-result.js'
import type { ReportResult } from '../../../src/codepipeline/send-job-result.js'
import { writeJobSummary } from '../../../src/report/summary.js'
import { htmlProblems } from '../../helpers/html.js'
import { useStepSummaryFile } from '../../helpers/step-summary.js'

const JOB_ID = '11111111-2222-3333-4444-555555555555'
const written = useStepSummaryFile()

async function summaryOf(request: JobResultRequest, result: ReportResult, warning?: string): Promise<string> {
  await writeJobSummary(request, result, warning)
  return written()
}

describe('writeJobSummary', () => {
  it('a success with revision and summary', async () => {
    const html = await summaryOf(
      successRequest({
        jobId: JOB_ID,
        currentRevision: { revision: 'abc123', changeIdentifier: 'abc123' },
        executionDetails: { summary: 'Built <app> & pushed' }
      }),
      'succeeded'
    )
    expect(html).toContain(JOB_ID)
    expect(html).toContain('Built &#60;app&#62; &#38; pushed')
    expect(htmlProblems(html)).toEqual([])
  })

  it('links the pipeline execution in the console when the settings carry its URL', async () => {
    const url =
      'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/app/executions/11111111-2222-4333-8444-555555555555/timeline?region=us-east-1'
    await writeJobSummary(successRequest({ jobId: JOB_ID }), 'succeeded', undefined, url)
    const html = written()
    expect(html).toContain(`<a href="${url}">CodePipeline console</a>`)
    expect(htmlProblems(html)).toEqual([])
  })

  it('a success with nothing but the job ID', async () => {
    const html = await summaryOf(successRequest({ jobId: JOB_ID }), 'succeeded')
    expect(html).toContain(JOB_ID)
    expect(htmlProblems(html)).toEqual([])
  })

  it.each(['Tests failed\n::error title=x::y', ''])('a failure with the message %j', async message => {
    const html = await summaryOf(failureRequest({ jobId: JOB_ID, failureType: 'JobFailed', message }), 'failed')
    expect(html).toContain('JobFailed')
    expect(htmlProblems(html)).toEqual([])
  })

  it('with a warning', async () => {
    const html = await summaryOf(
      successRequest({ jobId: JOB_ID }),
      'succeeded',
      'An earlier attempt of PutJobSuccessResult got no answer <uncertain>'
    )
    expect(html).toContain('[!WARNING]')
    expect(htmlProblems(html)).toEqual([])
  })

  it('with output variables, an empty value among them, and a continuation token', async () => {
    const html = await summaryOf(
      successRequest({
        jobId: JOB_ID,
        continuationToken: 'next',
        outputVariables: { IMAGE_TAG: 'abc1234', EMPTY: '', ODD: '</td><td>' }
      }),
      'in-progress'
    )
    expect(html).toContain('IMAGE&#95;TAG')
    expect(html).toContain('EMPTY')
    expect(html).toContain('&#60;/td&#62;&#60;td&#62;')
    expect(htmlProblems(html)).toEqual([])
  })
})
