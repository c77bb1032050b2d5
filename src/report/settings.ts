import type { FailureType } from '../codepipeline/constraints.js'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import type { OutputArtifact } from './output-artifacts.js'
import type { OutputVariables } from './output-variables.js'

/** Everything a report needs, checked and typed: what validation produces from the inputs. */
export interface CommonSettings {
  readonly jobId: string
  readonly connection: ConnectionSettings
  /** The time budget of the whole report (`timeout-seconds`). */
  readonly timeoutSeconds: number
  readonly externalExecutionId?: string
  readonly githubToken?: string
  /** The pipeline execution in the CodePipeline console, for the job summary. */
  readonly executionUrl?: string
}

export interface RevisionSettings {
  readonly revision: string
  readonly changeIdentifier: string
  readonly created?: Date
  readonly summary?: string
  /** The revision is the workflow's own commit, so missing details may be looked up. */
  readonly isWorkflowCommit: boolean
}

export interface SuccessSettings extends CommonSettings {
  readonly status: 'success'
  readonly outputVariables: OutputVariables
  /** Uploaded before the success is reported; empty when none. */
  readonly outputArtifacts?: readonly OutputArtifact[]
  /** The workflow uploads the job's declared output artifacts itself: skip the check that they are given. */
  readonly outputArtifactsElsewhere?: boolean
  /** The uploads' own time budget (`artifact-timeout-seconds`), apart from the report's. */
  readonly artifactTimeoutSeconds?: number
  readonly continuationToken?: string
  readonly percentComplete?: number
  readonly summary: string
  readonly revision?: RevisionSettings
}

export interface FailureSettings extends CommonSettings {
  readonly status: 'failure' | 'cancelled'
  readonly failureType: FailureType
  readonly failureMessage: string
}

export type Settings = SuccessSettings | FailureSettings
