import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { createArtifactS3Client, downloadArtifact } from '../codepipeline/artifact-s3.js'
import type { ConnectionSettings } from '../codepipeline/connection.js'
import type { JobArtifacts } from '../codepipeline/job-details.js'
import { namedErrorMessage } from '../common/errors.js'
import { withCleanup } from './cleanup.js'
import { scanArchive, writeArchive, type Extracted } from './extract.js'
import { placeStaged, prepareStaging } from './place.js'

export interface DownloadedArtifact {
  readonly name: string
  readonly folder: string
  readonly revision?: string
}

export interface DownloadOptions {
  readonly path: string
  readonly workspace: string
  readonly extractIntoPath: boolean
  readonly maxExtractedBytes: number
  readonly maxEntries: number
  readonly overwrite: boolean
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
  return withCleanup(
    async () => {
      const done: DownloadedArtifact[] = []
      for (const artifact of job.inputs) {
        const folder = options.extractIntoPath ? options.path : path.join(options.path, artifact.name)
        const zip = path.join(temp, `${artifact.name}.zip`)
        core.info(`Downloading input artifact ${artifact.name} (s3://${artifact.bucket}/${artifact.key})`)
        try {
          await downloadArtifact(s3, artifact, zip, options.connection.maxAttempts, message => core.info(message))
          const { files, bytes } = await extractZip(zip, folder, options)
          core.info(`Extracted ${artifact.name}: ${files} files, ${bytes} bytes, into ${folder}`)
        } catch (error) {
          throw new Error(`Input artifact ${artifact.name}: ${namedErrorMessage(error)}`, { cause: error })
        }
        done.push({ name: artifact.name, folder, ...(artifact.revision ? { revision: artifact.revision } : {}) })
      }
      return done
    },
    async () => {
      s3.destroy()
      await rm(temp, { recursive: true, force: true })
    },
    message => core.warning(message)
  )
}

/**
 * Checks the whole archive, writes it into a staging folder beside the
 * target, then moves it into place. Whatever is refused before the move, the
 * target is left exactly as it was: the staging folder is all there is to
 * remove. (After it, only a link that leads out through what the folder
 * already held is refused, and removed.)
 */
export async function extractZip(
  zip: string,
  folder: string,
  options: Omit<DownloadOptions, 'connection' | 'path' | 'extractIntoPath'>
): Promise<Extracted> {
  const limits = { maxBytes: options.maxExtractedBytes, maxEntries: options.maxEntries }
  const { links, files } = await scanArchive(zip, limits)
  const staging = await prepareStaging(folder, options.workspace)
  return withCleanup(
    async () => {
      const bytes = await writeArchive(zip, staging.folder, links, limits.maxBytes)
      await placeStaged(staging, options.overwrite, links.size > 0)
      return { files, bytes }
    },
    () => rm(staging.folder, { recursive: true, force: true }),
    message => core.warning(message)
  )
}
