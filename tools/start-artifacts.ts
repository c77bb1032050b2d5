// `npm start -- --artifacts`: a job with an input and an output artifact, end
// to end on one machine. The CodePipeline emulator issues the job and its
// artifact credentials, a local S3 store (s3rver) holds the artifacts. The
// input artifacts bundle extracts the source, a stand-in build writes a
// folder, and the reporting bundle uploads it before reporting success. Then
// the next stage's view: the uploaded zip's entries, read back from the store.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import yauzl from 'yauzl'

import { craftZip } from './artifact-store/craft-zip.js'
import { startArtifactStore, type ArtifactStore } from './artifact-store/index.js'
import { startEmulator, type Emulator, type Job } from './emulator/index.js'
import { stepPrinter } from './start-story.js'
import { runBundleAsStep } from './worker-step.js'

function heading(title: string): void {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

/** Runs one bundled step as a runner would, against the emulator and the artifact store. */
function runStep(
  repoRoot: string,
  bundle: string,
  job: Job,
  ctx: { emulator: Emulator; store: ArtifactStore; workspace: string; temp: string; verbose: boolean },
  inputs: Record<string, string>
): Promise<{ code: number; outputs: Record<string, string> }> {
  return runBundleAsStep({
    bundle: path.join(repoRoot, bundle),
    cwd: repoRoot,
    temp: ctx.temp,
    inputs: { 'job-id': job.id, ...inputs },
    log: stepPrinter(ctx.verbose),
    env: {
      AWS_ACCESS_KEY_ID: ctx.emulator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ctx.emulator.credentials.secretAccessKey,
      AWS_REGION: ctx.emulator.region,
      AWS_ENDPOINT_URL_CODEPIPELINE: ctx.emulator.url,
      // The artifact store: the job's own credentials are used there, never the ones above.
      AWS_ENDPOINT_URL_S3: ctx.store.url,
      GITHUB_WORKSPACE: ctx.workspace,
      GITHUB_RUN_ID: '1234567890',
      GITHUB_REPOSITORY: 'octo-org/sample-app',
      GITHUB_SERVER_URL: 'https://github.com'
    }
  })
}

async function zipEntries(store: ArtifactStore, key: string, region: string): Promise<string[]> {
  const s3 = new S3Client({ endpoint: store.url, region, credentials: store.adminCredentials, forcePathStyle: true })
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }))
    const zip = await yauzl.fromBufferPromise(Buffer.from(await answer.Body!.transformToByteArray()), {
      lazyEntries: true
    })
    const names: string[] = []
    for await (const entry of zip.eachEntry()) names.push(`${entry.fileName} (${entry.uncompressedSize} bytes)`)
    return names
  } finally {
    s3.destroy()
  }
}

/** The artifacts demo; 0 when the job ended Succeeded with its output artifact in the store. */
export async function startArtifactDemo(repoRoot: string, verbose = false): Promise<number> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'codepipeline-job-worker-artifacts-'))
  const [emulator, store] = await Promise.all([startEmulator(), startArtifactStore()])
  try {
    const s3 = (key: string) => ({ type: 'S3' as const, s3Location: { bucketName: store.bucket, objectKey: key } })
    const sourceKey = 'sample-pipeline/SourceArti/source.zip'
    const outputKey = 'sample-pipeline/BuildArtif/build.zip'
    const job = emulator.createJob({
      pipelineContext: { pipelineName: 'sample-pipeline' },
      inputArtifacts: [
        { name: 'SourceOutput', revision: '9fceb02d0ae598e95dc970b74767f19372d61af8', location: s3(sourceKey) }
      ],
      outputArtifacts: [{ name: 'BuildOutput', location: s3(outputKey) }],
      encryptionKey: { id: 'arn:aws:kms:us-east-1:123456789012:key/sample-key', type: 'KMS' }
    })
    store.allow(job.data.artifactCredentials)
    // The Source stage's output, as CodePipeline would have stored it.
    const source = craftZip([
      { name: 'package.json', data: '{"name":"sample-app","version":"1.4.2"}\n' },
      { name: 'src/index.js', data: 'console.log("sample app")\n' }
    ])
    const admin = new S3Client({
      endpoint: store.url,
      region: emulator.region,
      credentials: store.adminCredentials,
      forcePathStyle: true
    })
    const { PutObjectCommand } = await import('@aws-sdk/client-s3')
    await admin.send(new PutObjectCommand({ Bucket: store.bucket, Key: sourceKey, Body: source }))
    admin.destroy()
    console.log(`CodePipeline emulator on ${emulator.url}, S3 artifact store (s3rver) on ${store.url}`)
    console.log(
      `Job ${job.id}: input SourceOutput (s3://${store.bucket}/${sourceKey}), output BuildOutput, KMS-encrypted store.`
    )

    const workspace = path.join(temp, 'workspace')
    mkdirSync(workspace)
    const ctx = { emulator, store, workspace, temp, verbose }

    heading('Step 1: input artifacts (dist/artifacts/index.js)')
    const fetched = await runStep(repoRoot, 'dist/artifacts/index.js', job, ctx, {})
    console.log(`outputs: ${JSON.stringify(fetched.outputs)}`)
    if (fetched.code !== 0) return 1
    console.log(`workspace/SourceOutput: ${readdirSync(path.join(workspace, 'SourceOutput')).join(', ')}`)

    heading('Step 2: the build (a stand-in)')
    const pkg = JSON.parse(readFileSync(path.join(workspace, 'SourceOutput', 'package.json'), 'utf8')) as {
      version: string
    }
    mkdirSync(path.join(workspace, 'dist'))
    writeFileSync(
      path.join(workspace, 'dist', 'app.js'),
      readFileSync(path.join(workspace, 'SourceOutput', 'src', 'index.js'))
    )
    writeFileSync(path.join(workspace, 'dist', 'VERSION'), `${pkg.version}\n`)
    console.log('wrote dist/app.js and dist/VERSION')

    heading('Step 3: report, with output-artifacts: BuildOutput=dist (dist/index.js)')
    const reported = await runStep(repoRoot, 'dist/index.js', job, ctx, { 'output-artifacts': 'BuildOutput=dist' })
    console.log(`outputs: ${JSON.stringify(reported.outputs)}`)

    heading('What CodePipeline and the artifact store received')
    console.log(emulator.formatCalls())
    for (const r of store.requests) {
      const sse = Object.entries(r.encryption)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')
      console.log(`${r.method} ${r.url.split('?')[0]} -> ${r.status}${sse ? ` [${sse}]` : ''}`)
    }

    heading("The next stage's view of BuildOutput")
    for (const entry of await zipEntries(store, outputKey, emulator.region)) console.log(entry)
    const status = emulator.getJob(job.id)?.status
    console.log(`\nJob ${job.id} is now ${status ?? 'unknown'}.`)
    return reported.code === 0 && status === 'Succeeded' ? 0 : 1
  } finally {
    await Promise.all([emulator.close(), store.close()])
    rmSync(temp, { recursive: true, force: true })
  }
}
