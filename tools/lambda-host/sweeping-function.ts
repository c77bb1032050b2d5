// The bundled handler, configured as the template configures it, for one
// repository and workflow, against the local emulator, fake GitHub and fake
// Secrets Manager, with the template's one-minute sweep: what the lifecycle
// demo and the lifecycle bench both run.
import { DEFAULT_ACTION_TYPE_ID, type Emulator } from '../emulator/index.js'
import type { FakeGitHub } from '../fake-github/server.js'
import type { FakeSecretsManager } from '../secrets-manager.js'
import { startContainer, type LambdaContainer } from './host.js'

export interface SweepingFunctionOptions {
  readonly root: string
  readonly node: string
  readonly emulator: Emulator
  readonly github: FakeGitHub
  readonly secrets: FakeSecretsManager
  readonly secretId: string
  readonly repository: string
  readonly workflow: string
}

export function startSweepingFunction(options: SweepingFunctionOptions): Promise<LambdaContainer> {
  const { emulator, github, secrets } = options
  return startContainer({
    root: options.root,
    node: options.node,
    env: {
      CATEGORY: DEFAULT_ACTION_TYPE_ID.category,
      PROVIDER: DEFAULT_ACTION_TYPE_ID.provider,
      VERSION: DEFAULT_ACTION_TYPE_ID.version,
      REPOSITORY: options.repository,
      WORKFLOW: options.workflow,
      GITHUB_API_URL: github.url,
      GITHUB_SECRET_ID: options.secretId,
      SWEEP_SCHEDULE: 'rate(1 minute)',
      AWS_ENDPOINT_URL_CODEPIPELINE: emulator.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url
    },
    region: emulator.region,
    credentials: emulator.credentials
  })
}
