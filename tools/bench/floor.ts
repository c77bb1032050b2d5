/**
 * The benchmark's floor: the least a process can do to report a job, with
 * Node built-ins only. It signs (SigV4) and sends the body given in
 * BENCH_BODY to the endpoint in AWS_ENDPOINT_URL_CODEPIPELINE, once.
 */
import { request } from 'node:http'
import { signRequest } from '../emulator/sigv4.js'

const env = process.env
const url = new URL(env.AWS_ENDPOINT_URL_CODEPIPELINE ?? '')
const body = Buffer.from(env.BENCH_BODY ?? '{}')
const headers = signRequest(
  {
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodePipeline_20150709.PutJobSuccessResult'
    },
    body
  },
  env.AWS_REGION ?? '',
  'codepipeline',
  { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' }
)
// agent: false, so no kept-alive socket holds the process open after the answer.
const req = request(url, { method: 'POST', headers, agent: false }, res => {
  res.resume()
  res.on('end', () => {
    process.exitCode = res.statusCode === 200 ? 0 : 1
  })
})
req.on('error', error => {
  console.error(error)
  process.exitCode = 1
})
req.end(body)
