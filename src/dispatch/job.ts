import type { Job } from '@aws-sdk/client-codepipeline'

/** The action configuration properties the dispatcher reads; any others (secret ones included) are never read. */
export const CONFIG_KEYS = {
  repository: 'Repository',
  workflow: 'Workflow',
  ref: 'Ref',
  sourceArtifact: 'SourceArtifact',
  inputs: 'Inputs'
} as const

export type ConfigKey = (typeof CONFIG_KEYS)[keyof typeof CONFIG_KEYS]

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
  /** The job's input artifacts: their names and revisions only, never their locations or credentials. */
  readonly inputArtifacts: readonly InputArtifactRevision[]
}

export interface InputArtifactRevision {
  readonly name: string
  /** A commit ID (GitHub, CodeCommit) or an object version (S3), as the API model describes `revision`. */
  readonly revision?: string
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
    configuration,
    inputArtifacts: (job.data?.inputArtifacts ?? []).flatMap(artifact =>
      artifact.name ? [{ name: artifact.name, ...(artifact.revision ? { revision: artifact.revision } : {}) }] : []
    )
  }
}
