// Which IAM actions are real, for the checks cfn-lint does not make (it takes
// any "service:Name" string). For CodePipeline the list is the SDK client's
// operations: every `<Operation>Command` that @aws-sdk/client-codepipeline
// exports, and CodePipeline's IAM actions are named after its operations. For
// Secrets Manager the same from @aws-sdk/client-secrets-manager when it is
// installed, else a short list of its real operations. For the few other
// services a template here uses, short lists taken from their API references:
// an action missing from a list fails the check until someone adds it there
// on purpose.

const SECRETS_MANAGER_PACKAGE = '@aws-sdk/client-secrets-manager'

/** Real operations, for services without an SDK client in this project. Extend when a template needs more. */
const KNOWN_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  // CloudWatch Logs API reference.
  logs: ['CreateLogGroup', 'CreateLogStream', 'PutLogEvents', 'DescribeLogStreams'],
  // Amazon SQS API reference.
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'],
  // AWS STS API reference.
  sts: ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity'],
  // The IAM action that allows Lambda's Invoke operation is named InvokeFunction; a function URL's public
  // access is the permission-only action InvokeFunctionUrl (Lambda developer guide, "Control access to Lambda
  // function URLs").
  lambda: ['InvokeFunction', 'InvokeFunctionUrl'],
  // Used only when @aws-sdk/client-secrets-manager is not installed (AWS Secrets Manager API reference).
  secretsmanager: ['GetSecretValue', 'DescribeSecret', 'ListSecrets', 'PutSecretValue', 'CreateSecret']
}

export type OperationCatalogue = ReadonlyMap<string, ReadonlySet<string>>

/** Operation names of an SDK v3 client package, from its exported command classes. */
export function operationsOfSdkModule(module: Readonly<Record<string, unknown>>): Set<string> {
  return new Set(
    Object.entries(module)
      .filter(([name, value]) => /^[A-Z]\w*Command$/.test(name) && name !== 'Command' && typeof value === 'function')
      .map(([name]) => name.slice(0, -'Command'.length))
  )
}

/** Which source each service's list came from, for messages. */
export interface Catalogue {
  readonly operations: OperationCatalogue
  readonly sources: ReadonlyMap<string, string>
}

export async function loadCatalogue(): Promise<Catalogue> {
  const operations = new Map<string, ReadonlySet<string>>()
  const sources = new Map<string, string>()
  for (const [service, names] of Object.entries(KNOWN_OPERATIONS)) {
    operations.set(service, new Set(names))
    sources.set(service, 'the list in __tests__/helpers/iam-actions.ts')
  }
  const codePipeline = (await import('@aws-sdk/client-codepipeline')) as Record<string, unknown>
  operations.set('codepipeline', operationsOfSdkModule(codePipeline))
  sources.set('codepipeline', '@aws-sdk/client-codepipeline')
  const secretsManager = await importIfInstalled(SECRETS_MANAGER_PACKAGE)
  if (secretsManager) {
    operations.set('secretsmanager', operationsOfSdkModule(secretsManager))
    sources.set('secretsmanager', SECRETS_MANAGER_PACKAGE)
  }
  return { operations, sources }
}

/** A problem with one IAM action, or undefined when it names a real operation. */
export function checkIamAction(action: string, catalogue: Catalogue): string | undefined {
  const match = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action)
  if (!match) return `${action}: not "service:Operation" (wildcards are not allowed here either)`
  const [, service = '', operation = ''] = match
  const known = catalogue.operations.get(service)
  if (!known) return `${action}: no list of operations for service "${service}"`
  if (!known.has(operation)) {
    return `${action}: "${operation}" is not an operation of ${service} (per ${catalogue.sources.get(service)})`
  }
  return undefined
}

async function importIfInstalled(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>
  } catch (error) {
    if (isModuleNotFound(error)) return undefined
    throw error
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}
