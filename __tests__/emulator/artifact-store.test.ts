// The local artifact store (s3rver behind a recording proxy) as S3 clients see it:
// only credentials issued to a job (with their session token) get in, SSE
// headers are recorded, and a refusal rule turns requests into 503s.
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'

import { startArtifactStore, type ArtifactStore, type StoreCredentials } from '../../tools/artifact-store/index.js'
import { issueArtifactCredentials } from '../../tools/emulator/index.js'

let store: ArtifactStore

beforeAll(async () => {
  store = await startArtifactStore()
})
afterAll(async () => {
  await store.close()
})

function s3(credentials: StoreCredentials): S3Client {
  return new S3Client({ endpoint: store.url, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 })
}

async function statusOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p
    return 200
  } catch (err) {
    return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : -1
  }
}

it('accepts a job credential it was told about, and stores what is put', async () => {
  const creds = issueArtifactCredentials()
  store.allow(creds)
  await s3(creds).send(new PutObjectCommand({ Bucket: store.bucket, Key: 'a/b.zip', Body: 'hello' }))
  const got = await s3(store.adminCredentials).send(new GetObjectCommand({ Bucket: store.bucket, Key: 'a/b.zip' }))
  expect(await got.Body?.transformToString()).toBe('hello')
  expect(store.requests.at(-2)).toMatchObject({ method: 'PUT', accessKeyId: creds.accessKeyId, status: 200 })
})

it('refuses an unknown key, a wrong secret and a missing session token', async () => {
  const known = issueArtifactCredentials()
  store.allow(known)
  const put = (c: StoreCredentials) =>
    statusOf(s3(c).send(new PutObjectCommand({ Bucket: store.bucket, Key: 'x', Body: 'x' })))
  expect(await put(issueArtifactCredentials())).toBe(403)
  expect(await put({ ...known, secretAccessKey: 'wrong' })).toBe(403)
  expect(await put({ accessKeyId: known.accessKeyId, secretAccessKey: known.secretAccessKey })).toBe(403)
})

it('records the server-side encryption headers of a multipart upload', async () => {
  const creds = issueArtifactCredentials()
  store.allow(creds)
  const body = Buffer.alloc(6 * 1024 * 1024, 7)
  await new Upload({
    client: s3(creds),
    params: { Bucket: store.bucket, Key: 'big.zip', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-1' },
    partSize: 5 * 1024 * 1024
  }).done()
  const create = store.requests.find(r => r.method === 'POST' && r.url.includes('big.zip?uploads'))
  expect(create?.encryption).toEqual({
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': 'key-1'
  })
  const got = await s3(store.adminCredentials).send(new GetObjectCommand({ Bucket: store.bucket, Key: 'big.zip' }))
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true)
})

it('answers 503 to the requests a refusal rule matches', async () => {
  store.refuse(r => r.method === 'PUT')
  try {
    const status = await statusOf(
      s3(store.adminCredentials).send(new PutObjectCommand({ Bucket: store.bucket, Key: 'r', Body: 'r' }))
    )
    expect(status).toBe(503)
  } finally {
    store.refuse(undefined)
  }
})
