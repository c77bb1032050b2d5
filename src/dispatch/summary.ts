import * as core from '@actions/core'
import { escapeAttribute, escapeHtml, htmlTable } from '../common/html.js'
import type { DispatchRound, JobOutcome, JobStatus } from './dispatcher.js'
import { NO_RECONCILE, type ReconcileResult, type RunOutcome } from './reconcile.js'
import { describeActionType, roundTotals, type RoundTotals } from './round-result.js'
import type { ActionType } from './settings.js'

const STATUS_TEXT: Record<JobStatus, string> = {
  dispatched: '✅ Dispatched',
  skipped: '⏭️ Skipped',
  failed: '❌ Failed'
}

/** The `jobs` output: one entry per job, links included, no credentials or configuration values. */
function jobsJson(round: DispatchRound): string {
  return JSON.stringify(
    round.jobs.map(j => ({
      jobId: j.jobId,
      status: j.status,
      pipelineName: j.pipelineName,
      stage: j.stage,
      action: j.action,
      repository: j.target?.repository,
      workflow: j.target?.workflow,
      ref: j.target?.ref,
      runUrl: j.runUrl,
      workflowUrl: j.workflowUrl,
      executionUrl: j.executionUrl,
      failureType: j.failureType,
      message: j.message,
      droppedInputs: j.droppedInputs
    }))
  )
}

export function setDispatchOutputs(round: DispatchRound, reconciled: ReconcileResult = NO_RECONCILE): void {
  const totals = roundTotals(round, reconciled)
  for (const [name, count] of Object.entries(TOTAL_OUTPUTS) as [keyof RoundTotals, string][]) {
    core.setOutput(count, totals[name])
  }
  core.setOutput('jobs', jobsJson(round))
}

/** The step output that carries each count (action.yml declares them). */
const TOTAL_OUTPUTS = {
  seen: 'seen',
  dispatched: 'dispatched',
  skipped: 'skipped',
  failed: 'failed',
  rateLimitWaits: 'rate-limit-waits',
  reconciled: 'reconciled',
  alreadyReported: 'already-reported',
  cancelled: 'cancelled'
} as const satisfies Record<keyof RoundTotals, string>

export async function writeDispatchSummary(
  round: DispatchRound,
  actionType: ActionType,
  reconciled: ReconcileResult = NO_RECONCILE
): Promise<void> {
  const summary = core.summary
    .addHeading('CodePipeline jobs dispatched', 2)
    .addRaw(
      `<p>Action type <code>${escapeHtml(describeActionType(actionType))}</code>: ${round.seen} seen, ` +
        `${round.dispatched} dispatched, ${round.skipped} skipped, ${round.failed} failed.</p>\n`,
      true
    )
  if (round.rateLimitWaits > 0) {
    summary.addRaw(
      `<p>GitHub's rate limit was waited out ${round.rateLimitWaits} time(s), within the round's time budget.</p>\n`,
      true
    )
  }
  const warnings = [
    ...new Set(round.jobs.flatMap(j => [j.titleWarning, ...(j.inputWarnings ?? [])]).filter(w => w !== undefined))
  ]
  for (const warning of warnings) summary.addRaw(`\n> [!WARNING]\n> ${escapeHtml(warning)}\n`, true)
  if (round.jobs.length > 0) {
    summary.addRaw(
      htmlTable([
        ['Job', 'Pipeline', 'Result', 'Workflow', 'Details'].map(html => ({ html, header: true as const })),
        ...round.jobs.map(row)
      ]),
      true
    )
  }
  summary.addRaw(
    `<p>Workflow runs: ${reconciled.reconciled} ended without reporting (job failed), ` +
      `${reconciled.alreadyReported} had reported already, ${reconciled.cancelled} queued too long (cancelled, job failed).</p>\n`,
    true
  )
  const acted = reconciled.runs.filter(r => r.verdict === 'reconciled' || r.verdict === 'cancelled')
  if (acted.length > 0) {
    summary.addRaw(
      htmlTable([
        ['Run', 'Job', 'Conclusion', 'Details'].map(html => ({ html, header: true as const })),
        ...acted.map(runRow)
      ]),
      true
    )
  }
  await summary.write()
}

function runRow(run: RunOutcome): string[] {
  return [
    link(run.url, `${run.repository} #${run.runId}`),
    `<code>${escapeHtml(run.jobId)}</code>`,
    escapeHtml(run.conclusion ?? (run.verdict === 'cancelled' ? 'queued' : '')),
    escapeHtml(run.message)
  ]
}

function row(job: JobOutcome): string[] {
  const where = link(job.executionUrl, [job.pipelineName, job.stage, job.action].filter(Boolean).join(' / '))
  const workflow = job.target
    ? link(job.runUrl ?? job.workflowUrl, `${job.target.repository} ${job.target.workflow}@${job.target.ref}`)
    : ''
  const details = job.failureType
    ? `<code>${escapeHtml(job.failureType)}</code> ${escapeHtml(job.message ?? '')}`
    : escapeHtml(job.message ?? '')
  const status = job.unconfirmed ? '❔ Sent, unconfirmed' : STATUS_TEXT[job.status]
  return [`<code>${escapeHtml(job.jobId)}</code>`, where, status, workflow, details]
}

function link(url: string | undefined, text: string): string {
  return url ? `<a href="${escapeAttribute(url)}">${escapeHtml(text)}</a>` : escapeHtml(text)
}
