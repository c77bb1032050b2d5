import { createWriteStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { Env } from '../common/env.js'
import { USER_AGENT } from '../common/version.js'
import { REQUEST_TIMEOUT_MS, proxyAgents } from './client.js'
import type { ConnectionSettings } from './connection.js'
import type { ArtifactCredentials, ArtifactLocation } from './job-details.js'

/**
 * Multipart parts of 8 MiB, 4 in flight: an upload holds a few dozen MiB of
 * its artifact in memory whatever the artifact's size (measured in
 * `npm run bench`), and 10,000 parts allow artifacts up to 78 GiB.
 */
export const PART_SIZE = 8 * 1024 * 1024
const QUEUE_SIZE = 4

/**
 * An S3 client signed with the job's artifact credentials, never the
 * workflow's own: CodePipeline scopes them to the job's artifacts. The
 * artifact store is in the pipeline's region. AWS_ENDPOINT_URL_S3 (or
 * AWS_ENDPOINT_URL), which the SDK reads itself, points it elsewhere.
 */
export async function createArtifactS3Client(
  credentials: ArtifactCredentials,
  connection: ConnectionSettings,
  env: Env = process.env
): Promise<S3Client> {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
  const agents = await proxyAgents(new URL(endpoint ?? `https://s3.${connection.region}.amazonaws.com`))
  return new S3Client({
    region: connection.region,
    credentials,
    maxAttempts: connection.maxAttempts,
    retryMode: 'standard',
    customUserAgent: [USER_AGENT],
    // A local store answers on an address, not on bucket subdomains.
    forcePathStyle: endpoint !== undefined,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true, ...agents }
  })
}

/** Streams one artifact from S3 to a file: never more than a socket's buffer in memory. */
export async function downloadArtifact(client: S3Client, artifact: ArtifactLocation, file: string): Promise<void> {
  const answer = await client.send(new GetObjectCommand({ Bucket: artifact.bucket, Key: artifact.key }))
  if (!answer.Body) throw new Error(`S3 returned no body for artifact ${artifact.name}`)
  await pipeline(answer.Body as Readable, createWriteStream(file))
}

/**
 * Streams a body to the artifact's S3 location (multipart past one part),
 * encrypted under the job's KMS key when the artifact store has one. A failed
 * upload is aborted, so no partial object is left behind.
 */
export async function uploadArtifact(
  client: S3Client,
  artifact: ArtifactLocation,
  body: Readable,
  kmsKeyId?: string
): Promise<void> {
  const upload = new Upload({
    client,
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
    params: {
      Bucket: artifact.bucket,
      Key: artifact.key,
      Body: body,
      ContentType: 'application/zip',
      ...(kmsKeyId === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId })
    }
  })
  await upload.done()
}
