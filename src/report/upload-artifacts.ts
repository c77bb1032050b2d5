import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import * as core from '@actions/core'
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createArtifactS3Client, uploadArtifact } from '../codepipeline/artifact-s3.js'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import { getJobArtifacts, type ArtifactLocation } from '../codepipeline/job-details.js'
import type { FailureType } from '../codepipeline/constraints.js'
import { namedErrorMessage } from '../common/errors.js'
import type { OutputArtifact } from './output-artifacts.js'
import { zipFolder } from './zip-folder.js'

/** Why the job cannot succeed: reported to CodePipeline instead of the success. */
export interface ArtifactFailure {
  readonly failureType: FailureType
  readonly message: string
}

/**
 * Uploads the workflow's output artifacts to the locations the job declares,
 * before the success is reported. The names must match the job's declared
 * outputs exactly (checked before any upload); any problem, an upload that
 * failed after its retries included, comes back as a failure to report, so a
 * job never succeeds with an artifact missing.
 */
export async function uploadOutputArtifacts(
  client: CodePipelineClient,
  jobId: string,
  given: readonly OutputArtifact[],
  connection: ConnectionSettings
): Promise<ArtifactFailure | undefined> {
  let job
  try {
    job = await getJobArtifacts(client, jobId)
  } catch (error) {
    // Left unreported, the job would wait for its timeout: report why instead.
    const denied =
      error instanceof Error && error.cause instanceof Error && error.cause.name === 'AccessDeniedException'
    return { failureType: denied ? 'PermissionError' : 'JobFailed', message: namedErrorMessage(error) }
  }
  const mismatch = nameMismatch(given, job.outputs)
  if (mismatch) return { failureType: 'ConfigurationError', message: mismatch }

  const s3 = await createArtifactS3Client(job.credentials, connection)
  try {
    for (const artifact of given) {
      const target = job.outputs.find(o => o.name === artifact.name) as ArtifactLocation
      try {
        const body = await artifactBody(artifact)
        core.info(
          `Uploading output artifact ${artifact.name} from ${artifact.given} to s3://${target.bucket}/${target.key}`
        )
        await uploadArtifact(s3, target, body, job.kmsKeyId)
      } catch (error) {
        return {
          failureType: 'JobFailed',
          message: `Output artifact ${artifact.name} could not be uploaded: ${namedErrorMessage(error)}`
        }
      }
    }
  } finally {
    s3.destroy()
  }
  return undefined
}

function nameMismatch(given: readonly OutputArtifact[], declared: readonly ArtifactLocation[]): string | undefined {
  const names = given.map(a => a.name)
  const expected = declared.map(a => a.name)
  const missing = expected.filter(n => !names.includes(n))
  const extra = names.filter(n => !expected.includes(n))
  if (missing.length === 0 && extra.length === 0) return undefined
  const wants = expected.length ? `the pipeline expects exactly ${expected.join(', ')}` : 'the pipeline expects none'
  const parts = [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...(extra.length ? [`not declared by the job: ${extra.join(', ')}`] : [])
  ]
  return `"output-artifacts" does not match the job's output artifacts (${parts.join('; ')}): ${wants}`
}

/** A folder is zipped on the fly; a .zip file goes as it is. */
async function artifactBody(artifact: OutputArtifact): Promise<Readable> {
  const info = await stat(artifact.path).catch(() => undefined)
  if (info?.isDirectory()) return zipFolder(artifact.path)
  if (info?.isFile() && artifact.path.toLowerCase().endsWith('.zip')) return createReadStream(artifact.path)
  if (info === undefined) throw new Error(`${artifact.given} does not exist in the workspace`)
  throw new Error(`${artifact.given} must be a folder or a .zip file`)
}
