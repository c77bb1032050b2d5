import { AcknowledgeJobCommand, PollForJobsCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { AttemptLog } from '../codepipeline/attempt-log.js'
import { namedErrorMessage } from '../common/errors.js'
import { pickJob, type PolledJob } from './job.js'
import type { ActionType } from './settings.js'
import { describeActionType } from './round-result.js'

export interface PollResult {
  readonly jobs: readonly PolledJob[]
  /** Entries CodePipeline sent without an ID or nonce, which cannot be acknowledged. */
  readonly unusable: number
}

/** Bounds one call: the SDK stops retrying and drops the attempt in flight when it fires. */
export interface CallOptions {
  readonly abortSignal?: AbortSignal
}

/** One PollForJobs call, with the SDK's retries; an error here ends the round. */
export async function pollJobs(
  client: CodePipelineClient,
  actionType: ActionType,
  maxBatchSize: number,
  region: string,
  options: CallOptions = {}
): Promise<PollResult> {
  const actionTypeId = { ...actionType, owner: 'Custom' as const }
  try {
    const { jobs = [] } = await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize }), options)
    const picked = jobs.map(pickJob)
    return { jobs: picked.filter(j => j !== undefined), unusable: picked.filter(j => j === undefined).length }
  } catch (error) {
    throw new Error(explainPollError(error, actionType, region), { cause: error })
  }
}

function explainPollError(error: unknown, actionType: ActionType, region: string): string {
  const detail = namedErrorMessage(error)
  const type = describeActionType(actionType)
  switch (error instanceof Error ? error.name : undefined) {
    case 'ActionTypeNotFoundException':
      return (
        `CodePipeline has no custom action type ${type} in region ${region} (${detail}). ` +
        'Check "category", "provider", "version" and "aws-region" against the action type you created.'
      )
    case 'AccessDeniedException':
      return `Not allowed to poll for ${type} jobs (${detail}). The role needs codepipeline:PollForJobs.`
    case 'CredentialsProviderError':
      return `No AWS credentials found (${detail}). Run aws-actions/configure-aws-credentials before this step.`
  }
  return `PollForJobs for ${type} failed: ${detail}`
}

export type AckResult =
  | { readonly kind: 'acknowledged'; readonly warning?: string }
  /** Another worker acknowledged the job first. */
  | { readonly kind: 'taken' }

/**
 * Claims a job with its nonce. InvalidNonceException normally means another
 * worker claimed it. After an attempt of ours that may have landed, though, it
 * more likely means that attempt claimed it: the job is then treated as ours,
 * because a job nobody works on waits in the pipeline until it times out,
 * while a duplicate run only has its report refused.
 */
export async function acknowledgeJob(
  client: CodePipelineClient,
  job: PolledJob,
  options: CallOptions = {}
): Promise<AckResult> {
  const log = new AttemptLog()
  const command = new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce })
  log.attachTo(command.middlewareStack)
  try {
    await client.send(command, options)
    return { kind: 'acknowledged' }
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidNonceException') {
      if (!log.earlierAttemptMayHaveLanded()) return { kind: 'taken' }
      return {
        kind: 'acknowledged',
        warning:
          `An earlier AcknowledgeJob attempt for job ${job.id} got no answer (${log.attempts.join(', ')}) and the retry ` +
          'found the nonce used: taking the job as acknowledged by that attempt. If another worker took it, it runs twice.'
      }
    }
    throw new Error(`AcknowledgeJob for job ${job.id} failed: ${namedErrorMessage(error)}`, { cause: error })
  }
}
