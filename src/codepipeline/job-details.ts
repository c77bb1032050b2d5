import * as core from '@actions/core'
import { GetJobDetailsCommand, type Artifact, type CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { namedErrorMessage } from '../common/errors.js'
import { quoteForLog } from '../common/log-text.js'
import { ARTIFACT_NAME_LENGTH, ARTIFACT_NAME_PATTERN } from './constraints.js'

/** Where one artifact lives in the pipeline's artifact store. */
export interface ArtifactLocation {
  readonly name: string
  readonly revision?: string
  readonly bucket: string
  readonly key: string
}

/** The job's temporary credentials for its artifact store. */
export interface ArtifactCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
}

/** What a job worker needs to move a job's artifacts. */
export interface JobArtifacts {
  readonly inputs: readonly ArtifactLocation[]
  readonly outputs: readonly ArtifactLocation[]
  readonly credentials: ArtifactCredentials
  /** KMS key ID, key ARN or alias ARN of the artifact store's customer key. */
  readonly kmsKeyId?: string
}

/**
 * GetJobDetails, reduced to the job's artifacts. The credentials and the key
 * ID are masked before anything else happens with the answer, so no later
 * log line (debug included) can show them.
 */
export async function getJobArtifacts(
  client: CodePipelineClient,
  jobId: string,
  abortSignal?: AbortSignal
): Promise<JobArtifacts> {
  let data
  try {
    data = (await client.send(new GetJobDetailsCommand({ jobId }), abortSignal ? { abortSignal } : {})).jobDetails?.data
  } catch (error) {
    throw new Error(`GetJobDetails failed for job ${jobId}: ${namedErrorMessage(error)}`, { cause: error })
  }
  const creds = data?.artifactCredentials
  for (const secret of [creds?.accessKeyId, creds?.secretAccessKey, creds?.sessionToken, data?.encryptionKey?.id]) {
    if (secret) core.setSecret(secret)
  }
  if (!creds?.accessKeyId || !creds.secretAccessKey || !creds.sessionToken) {
    throw new Error(`GetJobDetails gave no artifact credentials for job ${jobId}`)
  }
  const key = data?.encryptionKey
  if (key && key.type !== 'KMS') {
    throw new Error(`Job ${jobId}: unsupported artifact encryption key type ${quoteForLog(key.type ?? '')}`)
  }
  const inputs = (data?.inputArtifacts ?? []).map(a => location(a, jobId))
  const outputs = (data?.outputArtifacts ?? []).map(a => location(a, jobId))
  // Locations only: the credentials and the key ID stay out of the log even at debug level.
  core.debug(`Job ${jobId} artifacts: ${JSON.stringify({ inputs, outputs, encrypted: key !== undefined })}`)
  return {
    inputs,
    outputs,
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken
    },
    ...(key?.id ? { kmsKeyId: key.id } : {})
  }
}

/** Names become folder names and S3 locations are used as given: both are checked. */
function location(artifact: Artifact, jobId: string): ArtifactLocation {
  const name = artifact.name ?? ''
  if (!ARTIFACT_NAME_PATTERN.test(name) || name.length > ARTIFACT_NAME_LENGTH.max) {
    throw new Error(`Job ${jobId} has an artifact with an invalid name: ${quoteForLog(name)}`)
  }
  const s3 = artifact.location?.s3Location
  if (artifact.location?.type !== 'S3' || !s3?.bucketName || !s3.objectKey) {
    throw new Error(
      `Job ${jobId}: artifact ${name} is not in S3 (location type ${quoteForLog(artifact.location?.type ?? '')})`
    )
  }
  return {
    name,
    ...(artifact.revision ? { revision: artifact.revision } : {}),
    bucket: s3.bucketName,
    key: s3.objectKey
  }
}
