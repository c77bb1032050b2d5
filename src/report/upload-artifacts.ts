import { constants } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import * as core from '@actions/core'
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { createArtifactS3Client, uploadArtifact } from '../codepipeline/artifact-s3.js'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import { getJobArtifacts, type ArtifactLocation } from '../codepipeline/job-details.js'
import type { FailureType } from '../codepipeline/constraints.js'
import { isInside } from '../artifacts/real-path.js'
import { Deadline } from '../common/deadline.js'
import { namedErrorMessage } from '../common/errors.js'
import type { OutputArtifact } from './output-artifacts.js'
import { zipFolder } from './zip-folder.js'
import { gitComponentOf } from '../artifacts/path-names.js'
import path from 'node:path'

/** How long the calls may take: GetJobDetails within the report's budget, the uploads within their own. */
export interface UploadBounds {
  readonly detailsSignal: AbortSignal
  readonly uploadSeconds: number
}

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
  connection: ConnectionSettings,
  bounds: UploadBounds
): Promise<ArtifactFailure | undefined> {
  let job
  try {
    job = await getJobArtifacts(client, jobId, bounds.detailsSignal)
  } catch (error) {
    // Left unreported, the job would wait for its timeout: report why instead.
    const denied =
      error instanceof Error && error.cause instanceof Error && error.cause.name === 'AccessDeniedException'
    return { failureType: denied ? 'PermissionError' : 'JobFailed', message: namedErrorMessage(error) }
  }
  const mismatch = nameMismatch(given, job.outputs)
  if (mismatch) return { failureType: 'ConfigurationError', message: mismatch }

  // Uploads have their own budget (`artifact-timeout-seconds`): an artifact takes as long as its size needs.
  const deadline = new Deadline(bounds.uploadSeconds * 1000)
  const s3 = await createArtifactS3Client(job.credentials, connection, process.env, deadline.remainingMs())
  try {
    for (const artifact of given) {
      const target = job.outputs.find(o => o.name === artifact.name) as ArtifactLocation
      try {
        const body = await artifactBody(artifact)
        core.info(
          `Uploading output artifact ${artifact.name} from ${artifact.given} to s3://${target.bucket}/${target.key}`
        )
        await uploadArtifact(s3, target, body.stream, job.kmsKeyId, body.size, deadline.signal())
        if (deadline.expired()) throw new Error(`"artifact-timeout-seconds" (${bounds.uploadSeconds}) ran out`)
      } catch (error) {
        const why = deadline.expired()
          ? `"artifact-timeout-seconds" (${bounds.uploadSeconds}) ran out`
          : namedErrorMessage(error)
        return {
          failureType: 'JobFailed',
          message: `Output artifact ${artifact.name} could not be uploaded: ${why}`
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

/**
 * A folder is zipped on the fly; a .zip file goes as it is. The real path
 * (every symlink resolved) must be inside the workspace's real path: a link
 * at or above the given path must not carry a runner's files into the
 * pipeline. The file is then opened without following a final link.
 */
async function artifactBody(artifact: OutputArtifact): Promise<{ stream: Readable; size: number }> {
  const real = await realpath(artifact.path).catch(() => undefined)
  if (real === undefined) throw new Error(`${artifact.given} does not exist in the workspace`)
  const workspace = await realpath(artifact.workspace)
  if (!isInside(workspace, real)) {
    throw new Error(`${artifact.given} leads outside the workspace through a symlink (to ${real})`)
  }
  const git = gitComponentOf(path.relative(workspace, real))
  if (git !== undefined)
    throw new Error(`${artifact.given} leads into git's own folder (${git}), which an artifact may not carry`)
  const info = await stat(real)
  if (info.isDirectory()) {
    const zipped = await zipFolder(real)
    return { stream: zipped.stream, size: zipped.sizeBound }
  }
  if (info.isFile() && artifact.path.toLowerCase().endsWith('.zip')) {
    const handle = await open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    return { stream: handle.createReadStream() as unknown as Readable, size: info.size }
  }
  throw new Error(`${artifact.given} must be a folder or a .zip file`)
}
