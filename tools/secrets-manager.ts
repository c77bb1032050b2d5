// A local stand-in for AWS Secrets Manager's GetSecretValue, enough for the
// Lambda handler's tests and demos: AWS JSON 1.1 on 127.0.0.1, SigV4 checked
// with the emulator's verifier, every call recorded. Node built-ins only.
import { randomUUID } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { DEFAULTS } from './emulator/server.js'
import { verifySignature, type SignatureVerdict } from './emulator/sigv4.js'
import { closeServer, readBody } from './http-server.js'

const TARGET = 'secretsmanager.GetSecretValue'
const CONTENT_TYPE = 'application/x-amz-json-1.1'

export interface SecretsManagerCall {
  readonly at: number
  readonly target: string
  readonly secretId?: string
  readonly signature: SignatureVerdict
  readonly status: number
}

export interface FakeSecretsManager {
  readonly url: string
  readonly region: string
  readonly credentials: { accessKeyId: string; secretAccessKey: string }
  readonly calls: SecretsManagerCall[]
  /** Stores (or replaces, as a rotation does) a secret's string under its name. */
  putSecret(name: string, secretString: string): void
  deleteSecret(name: string): void
  /** The next GetSecretValue calls answer this modelled error (HTTP 400) instead. */
  failNext(errorName: string, message: string, times?: number): void
  close(): Promise<void>
}

export interface FakeSecretsManagerOptions {
  region?: string
  accessKeyId?: string
  secretAccessKey?: string
  accountId?: string
  /** Called once per request after it is answered; `npm start` prints from here. */
  onCall?: (call: SecretsManagerCall) => void
}

export async function startFakeSecretsManager(options: FakeSecretsManagerOptions = {}): Promise<FakeSecretsManager> {
  const region = options.region ?? DEFAULTS.region
  const accountId = options.accountId ?? DEFAULTS.accountId
  const credentials = {
    accessKeyId: options.accessKeyId ?? DEFAULTS.accessKeyId,
    secretAccessKey: options.secretAccessKey ?? DEFAULTS.secretAccessKey
  }
  const secrets = new Map<string, { value: string; versionId: string; createdAt: number }>()
  const failures: { name: string; message: string }[] = []
  const calls: SecretsManagerCall[] = []
  const arnOf = (name: string): string => `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-AbCdEf`

  const server = createServer((req, res) => {
    void readBody(req).then(body => {
      const target = String(req.headers['x-amz-target'] ?? '')
      const signature = verifySignature(
        { method: req.method ?? '', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
        { region, service: 'secretsmanager', ...credentials }
      )
      let input: unknown
      try {
        input = JSON.parse(body.toString('utf8') || '{}')
      } catch {
        input = undefined
      }
      const secretId =
        typeof input === 'object' && input !== null && 'SecretId' in input && typeof input.SecretId === 'string'
          ? input.SecretId
          : undefined
      const answer = (status: number, payload: Record<string, unknown>): void => {
        const call = { at: Date.now(), target, secretId, signature: signature.verdict, status }
        calls.push(call)
        send(res, status, payload)
        options.onCall?.(call)
      }

      if (signature.error) return answer(400, { __type: signature.error.name, message: signature.error.message })
      if (target !== TARGET) return answer(400, { __type: 'UnknownOperationException', message: `Unknown ${target}` })
      if (secretId === undefined)
        return answer(400, { __type: 'ValidationException', message: 'SecretId must be a string.' })
      const failure = failures.shift()
      if (failure) return answer(400, { __type: failure.name, message: failure.message })
      // A secret is found by its name or its ARN, as the real service does.
      const name = [...secrets.keys()].find(n => n === secretId || arnOf(n) === secretId)
      const secret = name === undefined ? undefined : secrets.get(name)
      if (name === undefined || secret === undefined)
        return answer(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret."
        })
      answer(200, {
        ARN: arnOf(name),
        Name: name,
        VersionId: secret.versionId,
        SecretString: secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdAt / 1000
      })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    region,
    credentials,
    calls,
    putSecret: (name, value) => void secrets.set(name, { value, versionId: randomUUID(), createdAt: Date.now() }),
    deleteSecret: name => void secrets.delete(name),
    failNext: (name, message, times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ name, message })
    },
    close: () => closeServer(server)
  }
}

function send(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
  const text = JSON.stringify(payload)
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID()
  })
  res.end(text)
}
