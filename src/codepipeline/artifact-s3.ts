import { createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { Env } from '../common/env.js'
import { USER_AGENT } from '../common/version.js'
import { REQUEST_TIMEOUT_MS, dnsSuffix, proxyAgents } from './client.js'
import type { ConnectionSettings } from './connection.js'
import { downloadFailure, isCutShort } from './download-failure.js'
import type { ArtifactCredentials, ArtifactLocation } from './job-details.js'
import { LARGE_OBJECT_BYTES, downloadInPieces, type FirstAnswer } from './ranged-download.js'

/**
 * S3's multipart limits: at most 10,000 parts, each from 5 MiB to 5 GiB, and
 * objects up to 5 TiB ("Amazon S3 multipart upload limits", S3 User Guide).
 */
export const S3_MAX_PARTS = 10_000
export const S3_MAX_PART_SIZE = 5 * 1024 * 1024 * 1024
/**
 * The part size of an upload whose size is not known: 10,000 parts of 8 MiB
 * reach 78 GiB. Two parts in flight plus the one being filled keep an upload
 * to a few dozen MiB of memory (measured in `npm run bench`).
 */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024
/** S3's smallest part (but the last): the least memory for an upload whose size is known to fit 10,000 of them. */
export const S3_MIN_PART_SIZE = 5 * 1024 * 1024
const MiB = 1024 * 1024
/**
 * Memory for the parts in flight of one upload: as many parts go at once as
 * fit (three of S3's smallest, two of the default), never fewer than two.
 * The process's peak stays under the 150 MiB the bench holds it to.
 */
export const PARTS_IN_FLIGHT_BYTES = 16 * MiB

/** How many parts of `partSize` one upload sends at a time. */
export function partsInFlight(partSize: number): number {
  return Math.max(2, Math.floor(PARTS_IN_FLIGHT_BYTES / partSize))
}

/**
 * Part size for an upload of `size` bytes (exact, or an upper bound for a
 * folder zipped on the fly): S3's smallest part, or the smallest whole number
 * of MiB that keeps the upload within S3's 10,000 parts. Only artifacts past
 * about 48 GiB need bigger parts, and memory grows with them.
 */
export function partSizeFor(size?: number): number {
  if (size === undefined) return DEFAULT_PART_SIZE
  const needed = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB
  return Math.min(S3_MAX_PART_SIZE, Math.max(S3_MIN_PART_SIZE, needed))
}

/**
 * An S3 client signed with the job's artifact credentials, never the
 * workflow's own: CodePipeline scopes them to the job's artifacts. The
 * artifact store is in the pipeline's region. AWS_ENDPOINT_URL_S3 (or
 * AWS_ENDPOINT_URL), which the SDK reads itself, points it elsewhere.
 */
export async function createArtifactS3Client(
  credentials: ArtifactCredentials,
  connection: ConnectionSettings,
  env: Env = process.env,
  budgetMs = Number.POSITIVE_INFINITY
): Promise<S3Client> {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
  const agents = await proxyAgents(
    new URL(endpoint ?? `https://s3.${connection.region}.${dnsSuffix(connection.region)}`)
  )
  return new S3Client({
    region: connection.region,
    credentials,
    maxAttempts: connection.maxAttempts,
    retryMode: 'standard',
    customUserAgent: [USER_AGENT],
    // A local store answers on an address, not on bucket subdomains.
    forcePathStyle: endpoint !== undefined,
    requestHandler: {
      requestTimeout: Math.max(1, Math.ceil(Math.min(REQUEST_TIMEOUT_MS, budgetMs))),
      throwOnRequestTimeout: true,
      ...agents
    }
  })
}

/**
 * Streams one artifact from S3 to a file: never more than a socket's buffer
 * in memory. A connection dropped mid-body is resumed where the file ends,
 * with a ranged GET pinned by If-Match to the ETag of the first answer (so a
 * replaced object is never stitched onto the old one), up to `maxAttempts`
 * GETs in all. An object past LARGE_OBJECT_BYTES continues in ranged pieces
 * fetched side by side (see downloadInPieces), pinned to the same ETag. The
 * SDK's own retries cover a request that fails before its body.
 */
export async function downloadArtifact(
  client: S3Client,
  artifact: ArtifactLocation,
  file: string,
  maxAttempts: number,
  onResume: (message: string) => void = () => undefined
): Promise<void> {
  let etag: string | undefined
  let size: number | undefined
  let received = 0
  let large: FirstAnswer | undefined
  for (let attempt = 1; ; attempt++) {
    let resume = etag !== undefined && received > 0
    try {
      const answer = await client.send(
        new GetObjectCommand({
          Bucket: artifact.bucket,
          Key: artifact.key,
          ...(resume ? { Range: `bytes=${received}-`, IfMatch: etag } : {})
        })
      )
      if (!answer.Body) throw new Error(`S3 returned no body for artifact ${artifact.name}`)
      // An answer without Content-Range is the whole object again: start the file over.
      if (resume && answer.ContentRange === undefined) resume = false
      if (!resume) {
        etag = answer.ETag
        size = answer.ContentLength
        received = 0
      }
      if (!resume && etag !== undefined && size !== undefined && size > LARGE_OBJECT_BYTES) {
        large = { body: answer.Body as Readable, etag, size }
      } else {
        await pipeline(answer.Body as Readable, createWriteStream(file, { flags: resume ? 'a' : 'w' }))
        received = (await stat(file)).size
        if (size !== undefined && received !== size)
          throw new Error(`the body ended after ${received} of ${size} bytes`)
        return
      }
    } catch (error) {
      received = await stat(file).then(
        s => s.size,
        () => 0
      )
      if (!isCutShort(error) || attempt >= maxAttempts || etag === undefined) {
        throw downloadFailure(error, attempt, received, size)
      }
      onResume(
        `The download of ${artifact.name} dropped after ${received} of ${size ?? '?'} bytes; resuming (attempt ${attempt + 1} of ${maxAttempts}).`
      )
    }
    // Past the first answer, a large object comes in pieces, each resumed on its own.
    if (large) return downloadInPieces(client, artifact, file, large, maxAttempts, onResume)
  }
}

/**
 * Streams a body to the artifact's S3 location (multipart past one part),
 * always with SSE-KMS: the bucket policy of CodePipeline's default artifact
 * store denies PutObject without `aws:kms` (CodePipeline User Guide, "Configure
 * server-side encryption for artifacts stored in Amazon S3"), and the key ID
 * goes along only when the job names a customer key (without it S3 uses the
 * AWS managed key). A failed upload is aborted, so no partial object is left.
 */
export async function uploadArtifact(
  client: S3Client,
  artifact: ArtifactLocation,
  body: Readable,
  kmsKeyId?: string,
  size?: number,
  abortSignal?: AbortSignal
): Promise<void> {
  const partSize = partSizeFor(size)
  const upload = new Upload({
    client,
    partSize,
    queueSize: partsInFlight(partSize),
    leavePartsOnError: false,
    params: {
      Bucket: artifact.bucket,
      Key: artifact.key,
      Body: body,
      ContentType: 'application/zip',
      ServerSideEncryption: 'aws:kms',
      ...(kmsKeyId === undefined ? {} : { SSEKMSKeyId: kmsKeyId })
    }
  })
  const abort = (): void => void upload.abort()
  abortSignal?.addEventListener('abort', abort, { once: true })
  try {
    await upload.done()
  } finally {
    abortSignal?.removeEventListener('abort', abort)
  }
}
