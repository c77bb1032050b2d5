import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { createArtifactS3Client, downloadArtifact } from '../codepipeline/artifact-s3.js'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import type { JobArtifacts } from '../codepipeline/job-details.js'
import { namedErrorMessage } from '../common/errors.js'
import { extractZip } from './extract.js'

export interface DownloadedArtifact {
  readonly name: string
  readonly folder: string
  readonly revision?: string
}

export interface DownloadOptions {
  readonly path: string
  readonly extractIntoPath: boolean
  readonly maxExtractedBytes: number
  readonly connection: ConnectionSettings
}

/**
 * Downloads every input artifact to a temporary file (S3 to disk, streamed)
 * and extracts it into its folder. The zip reader needs random access to the
 * archive's central directory, hence the file rather than a pipe.
 */
export async function downloadInputArtifacts(
  job: JobArtifacts,
  options: DownloadOptions,
  env = process.env
): Promise<DownloadedArtifact[]> {
  if (options.extractIntoPath && job.inputs.length !== 1) {
    throw new Error(
      `"extract-into-path" needs exactly one input artifact; this job has ${job.inputs.length}` +
        (job.inputs.length ? ` (${job.inputs.map(a => a.name).join(', ')})` : '')
    )
  }
  const s3 = await createArtifactS3Client(job.credentials, options.connection, env)
  const temp = await mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'codepipeline-artifacts-'))
  try {
    const done: DownloadedArtifact[] = []
    for (const artifact of job.inputs) {
      const folder = options.extractIntoPath ? options.path : path.join(options.path, artifact.name)
      const zip = path.join(temp, `${artifact.name}.zip`)
      core.info(`Downloading input artifact ${artifact.name} (s3://${artifact.bucket}/${artifact.key})`)
      try {
        await downloadArtifact(s3, artifact, zip)
        const { files, bytes } = await extractZip(zip, folder, options.maxExtractedBytes)
        core.info(`Extracted ${artifact.name}: ${files} files, ${bytes} bytes, into ${folder}`)
      } catch (error) {
        throw new Error(`Input artifact ${artifact.name}: ${namedErrorMessage(error)}`, { cause: error })
      } finally {
        await rm(zip, { force: true })
      }
      done.push({ name: artifact.name, folder, ...(artifact.revision ? { revision: artifact.revision } : {}) })
    }
    return done
  } finally {
    s3.destroy()
    await rm(temp, { recursive: true, force: true })
  }
}
