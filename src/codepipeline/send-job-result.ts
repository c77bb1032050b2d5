import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClient
} from '@aws-sdk/client-codepipeline'
import { AttemptLog } from './attempt-log.js'
import { MIN_SDK_ATTEMPT_MS } from './budget-retry.js'
import type { Deadline } from '../common/deadline.js'
import { namedErrorMessage } from '../common/errors.js'
import type { JobResultRequest } from './job-result.js'

/** What may cut a send short: the caller's own signal, or a budget whose wording the errors then use. */
export interface SendBounds {
  readonly abortSignal?: AbortSignal
  readonly deadline?: Deadline
}

/** What the job's result now is, as the `result` output names it. */
export type ReportResult = 'succeeded' | 'in-progress' | 'failed'

export interface ReportOutcome {
  readonly result: ReportResult
  readonly attempts: number
  /** Set when a retry found the job already closed by an earlier attempt of ours. */
  readonly warning?: string
}

function intendedResult(request: JobResultRequest): ReportResult {
  if (request.operation === 'PutJobFailureResult') return 'failed'
  return request.input.continuationToken ? 'in-progress' : 'succeeded'
}

/**
 * Sends the report once, with the SDK's retries, and decides what an
 * InvalidJobStateException means: after an attempt that may have landed it is
 * our own result already recorded; otherwise the job was closed by someone else.
 */
export async function sendJobResult(
  client: CodePipelineClient,
  request: JobResultRequest,
  region: string,
  bounds: SendBounds = {}
): Promise<ReportOutcome> {
  const log = new AttemptLog()
  const result = intendedResult(request)
  const { deadline } = bounds
  // Ends the attempt in flight when the budget runs out, whatever its own timeout.
  const options = { abortSignal: bounds.abortSignal ?? deadline?.signal() }
  try {
    if (request.operation === 'PutJobSuccessResult') {
      const command = new PutJobSuccessResultCommand(request.input)
      log.attachTo(command.middlewareStack)
      await client.send(command, options)
    } else {
      const command = new PutJobFailureResultCommand(request.input)
      log.attachTo(command.middlewareStack)
      await client.send(command, options)
    }
    return { result, attempts: log.attempts.length }
  } catch (error) {
    const jobId = request.input.jobId ?? ''
    if (errorName(error) === 'InvalidJobStateException' && log.earlierAttemptMayHaveLanded()) {
      return {
        result,
        attempts: log.attempts.length,
        warning:
          `An earlier attempt of ${request.operation} got no answer (${log.attempts.join(', ')}), and the retry found job ${jobId} ` +
          `no longer in progress: the earlier attempt recorded the result. It was not reported twice.`
      }
    }
    throw new Error(explain(error, request, region, log, deadline), { cause: error })
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined
}

function explain(
  error: unknown,
  request: JobResultRequest,
  region: string,
  log: AttemptLog,
  deadline: Deadline | undefined
): string {
  const jobId = request.input.jobId ?? ''
  const attempts = log.attempts.length
  const tried = attempts > 1 ? ` after ${attempts} attempts` : ''
  // Error texts often end with their own period (the SDK's request timeout does).
  const detail = namedErrorMessage(error).replace(/[.\s]+$/, '')
  switch (errorName(error)) {
    case 'InvalidJobStateException':
      return (
        `CodePipeline refused the result: job ${jobId} is not in progress (${detail}). ` +
        'It was already completed, it timed out, or this is a re-run of a workflow that already reported it.'
      )
    case 'JobNotFoundException':
      return (
        `CodePipeline has no job ${jobId} in region ${region} (${detail}). ` +
        'Check that "aws-region" and the AWS account of your credentials are the pipeline\'s.'
      )
    case 'CredentialsProviderError':
      return `No AWS credentials found (${detail}). Run aws-actions/configure-aws-credentials before this step.`
  }
  // Past CodePipeline's own answers: the budget ran out during an attempt or left no time for another.
  if (deadline && (errorName(error) === 'AbortError' || !deadline.covers(MIN_SDK_ATTEMPT_MS))) {
    const budget = `${request.operation} did not finish within its time budget of ${deadline.budgetMs / 1000} s`
    if (attempts === 0) return `${budget}: ${detail}. No attempt was sent, so nothing is recorded.`
    if (!log.attempts.includes('uncertain'))
      return `${budget}${tried}: ${detail}. CodePipeline refused every attempt, so nothing is recorded.`
    return (
      `${budget}${tried}: ${detail}. An attempt may have reached CodePipeline, so the result may or may not be ` +
      `recorded: check job ${jobId} in the pipeline before re-running.`
    )
  }
  if (log.attempts.includes('uncertain')) {
    return (
      `${request.operation} failed${tried}: ${detail}. An attempt may have reached CodePipeline, so the result may or may ` +
      `not be recorded: check job ${jobId} in the pipeline before re-running.`
    )
  }
  return `${request.operation} failed${tried}: ${detail}`
}
