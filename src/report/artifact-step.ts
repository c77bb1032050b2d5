import * as core from '@actions/core'
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { LENGTHS } from '../codepipeline/constraints.js'
import { failureRequest, type JobResultRequest } from '../codepipeline/job-result.js'
import type { Deadline } from '../common/deadline.js'
import { namedErrorMessage } from '../common/errors.js'
import { truncateCodePoints } from '../common/text.js'
import type { Settings } from './settings.js'
import type { ArtifactFailure } from './upload-artifacts.js'

export interface ArtifactStep {
  /** What to report: the planned request, or a failure when an artifact did not make it. */
  readonly request: JobResultRequest
  /** Set when the artifacts turned a success into a failure; the step then fails too. */
  readonly failure?: string
}

/** Whether this report uploads output artifacts first: only a success with some given. */
export function movesOutputArtifacts(settings: Settings): boolean {
  return settings.status === 'success' && (settings.outputArtifacts?.length ?? 0) > 0
}

/** The declared-outputs check, started before the report is built so that its round trip overlaps the rest. */
export type DeclaredOutputsCheck = Promise<ArtifactFailure | undefined>

/**
 * Starts the check that a success without output artifacts leaves none of the
 * job's declared outputs missing (a job whose outputs are missing would fail
 * in the next stage, far from the cause): one GetJobDetails on the report's
 * own client, within half of its budget. Undefined when the report needs no
 * check. It never rejects; `stop` ends it quietly when the step fails first.
 */
export function startDeclaredOutputsCheck(
  client: CodePipelineClient,
  settings: Settings,
  deadline: Deadline,
  stop: AbortSignal
): DeclaredOutputsCheck | undefined {
  if (settings.status !== 'success' || movesOutputArtifacts(settings)) return undefined
  // With a continuation token the job goes on in a new job: outputs come with the final result.
  if (settings.outputArtifactsElsewhere || settings.continuationToken !== undefined) return undefined
  const signal = AbortSignal.any([deadline.signal(deadline.remainingMs() / 2), stop])
  return checkNoDeclaredOutputs(client, settings.jobId, signal, stop)
}

/**
 * Before a success is reported: uploads the output artifacts, or, when none
 * are given, waits for the declared-outputs check started earlier. The S3 and
 * zip code is loaded only when there is something to upload.
 */
export async function withOutputArtifacts(
  client: CodePipelineClient,
  settings: Settings,
  planned: JobResultRequest,
  deadline: Deadline,
  check: DeclaredOutputsCheck | undefined
): Promise<ArtifactStep> {
  if (settings.status !== 'success') return { request: planned }
  const artifacts = settings.outputArtifacts ?? []
  let failure: ArtifactFailure | undefined
  if (artifacts.length > 0) {
    const { uploadOutputArtifacts } = await import('./upload-artifacts.js')
    failure = await uploadOutputArtifacts(client, settings.jobId, artifacts, settings.connection, {
      detailsSignal: deadline.signal(deadline.remainingMs() / 2),
      uploadSeconds: settings.artifactTimeoutSeconds ?? 3600
    })
  } else {
    failure = await check
  }
  if (!failure) return { request: planned }
  core.error(failure.message)
  const request = failureRequest({
    jobId: settings.jobId,
    failureType: failure.failureType,
    message: truncateCodePoints(failure.message, LENGTHS.Message.max),
    externalExecutionId: settings.externalExecutionId
  })
  return { request, failure: failure.message }
}

/**
 * The failure to report when the job declares output artifacts and none are
 * given. A role that may not call GetJobDetails (the minimal policy for
 * reporting alone) or an answer that does not come in time only gets a
 * warning: the report goes ahead as asked.
 */
async function checkNoDeclaredOutputs(
  client: CodePipelineClient,
  jobId: string,
  signal: AbortSignal,
  stop: AbortSignal
): Promise<ArtifactFailure | undefined> {
  let outputs
  try {
    // Loaded with the SDK it needs, which the report loads anyway: the entry bundle stays small.
    const { getJobArtifacts } = await import('../codepipeline/job-details.js')
    outputs = (await getJobArtifacts(client, jobId, signal)).outputs
  } catch (error) {
    // The step failed before it needed the answer: nothing to say about it.
    if (stop.aborted) return undefined
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const why =
      cause instanceof Error && cause.name === 'AccessDeniedException'
        ? 'the role may not call codepipeline:GetJobDetails'
        : namedErrorMessage(error)
    core.warning(
      `Could not check the job's declared output artifacts (${why}); reporting as asked. ` +
        'Set "output-artifacts-elsewhere: true" to skip this check.'
    )
    return undefined
  }
  if (outputs.length === 0) return undefined
  const message =
    `The job declares output artifacts ${outputs.map(o => o.name).join(', ')}, but "output-artifacts" is not given: ` +
    'the next stage would find them missing. Give them as NAME=path lines, or set ' +
    '"output-artifacts-elsewhere: true" if the workflow uploads them another way.'
  return { failureType: 'ConfigurationError', message }
}
