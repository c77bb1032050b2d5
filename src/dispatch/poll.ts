import {
  AcknowledgeJobCommand,
  PollForJobsCommand,
  type CodePipelineClient,
  type Job
} from '@aws-sdk/client-codepipeline'
import { AttemptLog } from '../attempt-log.js'
import { namedErrorMessage } from '../errors.js'
import type { ActionType } from './settings.js'
import { CONFIG_KEYS, type ConfigKey } from './target.js'

/**
 * The parts of a polled job the dispatcher uses. Picked out as soon as the
 * job arrives so that its artifact credentials, encryption key and other
 * configuration values (secret ones among them) go no further.
 */
export interface PolledJob {
  readonly id: string
  readonly nonce: string
  readonly pipelineName?: string
  readonly pipelineExecutionId?: string
  readonly stage?: string
  readonly action?: string
  readonly continuationToken?: string
  readonly configuration: Readonly<Partial<Record<ConfigKey, string>>>
}

export function pickJob(job: Job): PolledJob | undefined {
  if (!job.id || !job.nonce) return undefined
  const context = job.data?.pipelineContext
  const config = job.data?.actionConfiguration?.configuration ?? {}
  const configuration: Partial<Record<ConfigKey, string>> = {}
  for (const key of Object.values(CONFIG_KEYS)) {
    const value = config[key]?.trim()
    if (value) configuration[key] = value
  }
  return {
    id: job.id,
    nonce: job.nonce,
    pipelineName: context?.pipelineName,
    pipelineExecutionId: context?.pipelineExecutionId,
    stage: context?.stage?.name,
    action: context?.action?.name,
    continuationToken: job.data?.continuationToken,
    configuration
  }
}

export interface PollResult {
  readonly jobs: readonly PolledJob[]
  /** Entries CodePipeline sent without an ID or nonce, which cannot be acknowledged. */
  readonly unusable: number
}

/** One PollForJobs call, with the SDK's retries; an error here ends the round. */
export async function pollJobs(
  client: CodePipelineClient,
  actionType: ActionType,
  maxBatchSize: number,
  region: string
): Promise<PollResult> {
  const actionTypeId = { ...actionType, owner: 'Custom' as const }
  try {
    const { jobs = [] } = await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize }))
    const picked = jobs.map(pickJob)
    return { jobs: picked.filter(j => j !== undefined), unusable: picked.filter(j => j === undefined).length }
  } catch (error) {
    throw new Error(explainPollError(error, actionType, region), { cause: error })
  }
}

export function describeActionType(actionType: ActionType): string {
  return `${actionType.category}/Custom/${actionType.provider}/${actionType.version}`
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
export async function acknowledgeJob(client: CodePipelineClient, job: PolledJob): Promise<AckResult> {
  const log = new AttemptLog()
  const command = new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce })
  log.attachTo(command.middlewareStack)
  try {
    await client.send(command)
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
