// Jobs with artifacts, for end-to-end tests: the emulator issues the job and
// its credentials, the local artifact store accepts them, and tests read and
// write the store with its admin key (as the pipeline's other stages would).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'

import type { ArtifactStore } from '../../tools/artifact-store/index.js'
import type { Artifact, Emulator, EncryptionKey, Job } from '../../tools/emulator/index.js'

export interface ArtifactJobInit {
  inputs?: { name: string; revision?: string; content?: Buffer }[]
  outputs?: string[]
  encryptionKey?: EncryptionKey
}

function adminClient(store: ArtifactStore): S3Client {
  return new S3Client({
    endpoint: store.url,
    region: 'us-east-1',
    credentials: store.adminCredentials,
    forcePathStyle: true
  })
}

export async function putObject(store: ArtifactStore, key: string, body: Buffer): Promise<void> {
  const s3 = adminClient(store)
  await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: body })).finally(() => s3.destroy())
}

/** An object's bytes, or undefined when there is none. */
export async function getObject(store: ArtifactStore, key: string): Promise<Buffer | undefined> {
  const s3 = adminClient(store)
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }))
    return Buffer.from(await out.Body!.transformToByteArray())
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined
    throw error
  }
}

let counter = 0

/** A job whose input artifacts are in the store and whose credentials the store accepts. */
export async function createArtifactJob(emu: Emulator, store: ArtifactStore, init: ArtifactJobInit): Promise<Job> {
  const prefix = `pipeline/${++counter}`
  const location = (key: string): Artifact['location'] => ({
    type: 'S3',
    s3Location: { bucketName: store.bucket, objectKey: key }
  })
  const inputArtifacts: Artifact[] = []
  for (const input of init.inputs ?? []) {
    const key = `${prefix}/${input.name}/in.zip`
    if (input.content) await putObject(store, key, input.content)
    inputArtifacts.push({
      name: input.name,
      ...(input.revision ? { revision: input.revision } : {}),
      location: location(key)
    })
  }
  const outputArtifacts = (init.outputs ?? []).map(name => ({ name, location: location(`${prefix}/${name}/out.zip`) }))
  const job = emu.createJob({
    inputArtifacts,
    outputArtifacts,
    ...(init.encryptionKey ? { encryptionKey: init.encryptionKey } : {})
  })
  store.allow(job.data.artifactCredentials)
  return job
}

/** Every secret of a job that must never reach a log. */
export function jobSecrets(job: Job): string[] {
  const c = job.data.artifactCredentials
  return [
    c.accessKeyId,
    c.secretAccessKey,
    c.sessionToken,
    ...(job.data.encryptionKey ? [job.data.encryptionKey.id] : [])
  ]
}

/**
 * The job's secrets as a step's log would show them: `masked` lists those
 * announced with `::add-mask::` (a command the runner consumes, never shows),
 * `shown` every other line that contains one. A step must mask them all and
 * show none, debug lines included.
 */
export function secretsInLog(job: Job, log: string): { masked: string[]; shown: string[] } {
  const lines = log.split('\n')
  const masks = new Set(lines.filter(l => l.startsWith('::add-mask::')).map(l => l.slice('::add-mask::'.length)))
  const others = lines.filter(l => !l.startsWith('::add-mask::'))
  const secrets = jobSecrets(job)
  return {
    masked: secrets.filter(s => masks.has(s)),
    shown: others.filter(l => secrets.some(s => l.includes(s)))
  }
}
