import * as core from '@actions/core'
import type { JobResultRequest } from '../codepipeline/job-result.js'
import type { ReportResult } from '../codepipeline/send-job-result.js'
import { escapeAttribute, escapeHtml, htmlTable } from '../common/html.js'

const RESULT_TEXT: Record<ReportResult, string> = {
  succeeded: '✅ Succeeded',
  'in-progress': '⏳ In progress (continuation token sent)',
  failed: '❌ Failed'
}

/** Writes the job summary: what was reported, for which revision, with which variables. */
export async function writeJobSummary(
  request: JobResultRequest,
  result: ReportResult,
  warnings?: string | readonly string[],
  executionUrl?: string
): Promise<void> {
  const { input } = request
  const rows: [string, string][] = [
    ['Job ID', code(input.jobId ?? '')],
    ['Result', RESULT_TEXT[result]]
  ]
  if (executionUrl)
    rows.push(['Pipeline execution', `<a href="${escapeAttribute(executionUrl)}">CodePipeline console</a>`])
  if (request.operation === 'PutJobSuccessResult') {
    const revision = request.input.currentRevision
    if (revision?.revision) rows.push(['Revision', code(revision.revision)])
    if (request.input.executionDetails?.summary)
      rows.push(['Summary', escapeHtml(request.input.executionDetails.summary)])
  } else {
    const failure = request.input.failureDetails
    if (failure) rows.push(['Failure', `${code(failure.type ?? '')} ${escapeHtml(failure.message ?? '')}`])
  }

  const summary = core.summary
    .addHeading('CodePipeline job result', 2)
    .addRaw(htmlTable(rows.map(([k, v]) => [{ html: k, header: true }, v])), true)
  for (const warning of typeof warnings === 'string' ? [warnings] : (warnings ?? []))
    summary.addRaw(`\n> [!WARNING]\n> ${escapeHtml(warning)}\n`, true)
  const variables = Object.entries(
    request.operation === 'PutJobSuccessResult' ? (request.input.outputVariables ?? {}) : {}
  )
  if (variables.length > 0) {
    summary.addHeading('Output variables', 3).addRaw(
      htmlTable([
        [
          { html: 'Name', header: true },
          { html: 'Value', header: true }
        ],
        ...variables.map(([name, value]) => [code(name), code(value)])
      ]),
      true
    )
  }
  await summary.write()
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`
}
