// deploy/bridge.yml, checked where cfn-lint cannot look (cfn-lint runs in
// .ci/run and CI): that its IAM actions are real operations, that each policy
// names the right resources, that the EventBridge rule picks the action type's
// STARTED events and nothing else, and that the function gets the settings
// the Lambda handler reads. The template is resolved for sample parameters as
// CloudFormation would resolve it.
import { readFileSync, statSync } from 'node:fs'
import { join, resolve as resolvePath, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

import {
  isObject,
  loadTemplate,
  parseTemplate,
  resolveStack,
  type Json,
  type JsonObject,
  type ResolvedStack
} from '../helpers/cloudformation.js'
import { matchesEventPattern } from '../helpers/event-pattern.js'
import { checkIamAction, loadCatalogue, operationsOfSdkModule, type Catalogue } from '../helpers/iam-actions.js'
import { ACTION_CATEGORIES, ACTION_TYPE_LENGTHS, ACTION_TYPE_NAME_PATTERN } from '../../src/codepipeline/constraints.js'
import {
  LAMBDA_INPUT_NAMES,
  SECRET_ID_VARIABLE,
  SWEEP_SCHEDULE_VARIABLE,
  variableFor
} from '../../src/lambda/config.js'
import { CONFIG_KEYS } from '../../src/dispatch/job.js'
import { SERVICE_NAME } from '../../src/lambda/log.js'
import { SUBJECT_CHECK_VARIABLE } from '../../src/lambda/subject-template.js'
import { LAMBDA_MAX_TIMEOUT_MS } from '../../src/lambda/app-token.js'
import {
  ACTION_TYPE_DIMENSION,
  actionTypeDimension,
  CREDENTIAL_FAILURES,
  METRICS_NAMESPACE,
  ROUND_METRICS
} from '../../src/lambda/metrics.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TEMPLATE_FILE = join(ROOT, 'deploy', 'bridge.yml')
const template = loadTemplate(TEMPLATE_FILE)

const SECRET = 'github/bridge'
const REQUIRED = {
  GitHubSecretName: SECRET,
  WorkerRepositories: 'octo-org/app,octo-org/infra',
  WorkerActor: 'my-bridge[bot]'
}

let catalogue: Catalogue
beforeAll(async () => {
  catalogue = await loadCatalogue()
})

function stack(parameters: Record<string, string> = {}, where: { region?: string; partition?: string } = {}) {
  return resolveStack(template, { parameters: { ...REQUIRED, ...parameters }, ...where })
}

// Sample events, in the shape CodePipeline sends.
function startedEvent(type: Record<string, Json> = {}, changes: Record<string, Json> = {}): JsonObject {
  return {
    version: '0',
    id: '7a1e5e1c-0c3f-4b52-9c1a-2f7f0f6a9a11',
    'detail-type': 'CodePipeline Action Execution State Change',
    source: 'aws.codepipeline',
    account: '123456789012',
    time: '2026-11-25T12:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:codepipeline:us-east-1:123456789012:app-pipeline'],
    detail: {
      pipeline: 'app-pipeline',
      'execution-id': '0b2b9a0e-9a8e-4f51-8d47-3f3b8c1f2a10',
      stage: 'Build',
      action: 'RunWorkflow',
      state: 'STARTED',
      region: 'us-east-1',
      type: { owner: 'Custom', category: 'Build', provider: 'GitHubActions', version: 1, ...type },
      version: 3,
      ...changes
    }
  }
}

interface Statement {
  readonly resource: string
  readonly path: string
  readonly actions: readonly string[]
  readonly resources: readonly string[]
  readonly statement: JsonObject
}

/** Every IAM statement in the stack: role, queue and other policies, trust policies, Lambda permissions. */
function statementsOf(resources: ResolvedStack['resources']): Statement[] {
  const found: Statement[] = []
  for (const [name, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {}
    if (resource.Type === 'AWS::Lambda::Permission') {
      found.push({
        resource: name,
        path: 'Action',
        actions: [String(properties.Action)],
        resources: [String(properties.FunctionName)],
        statement: properties
      })
    }
    walk(properties, 'Properties', (value, path) => {
      if (!/(PolicyDocument|AssumeRolePolicyDocument)$/.test(path)) return
      // A document written as JSON text (to carry a parameter in its condition keys) is read as IAM reads it.
      const document: Json = typeof value === 'string' ? (JSON.parse(value) as Json) : value
      if (!isObject(document)) return
      const statements = document.Statement
      if (!Array.isArray(statements)) throw new Error(`${name} ${path}: Statement is not a list`)
      statements.forEach((statement: Json, index) => {
        if (!isObject(statement)) throw new Error(`${name} ${path}: statement ${index} is not an object`)
        found.push({
          resource: name,
          path: `${path}.Statement[${index}]`,
          actions: list(statement.Action),
          resources: list(statement.Resource),
          statement
        })
      })
    })
  }
  return found
}

function walk(value: Json, path: string, visit: (value: Json, path: string) => void): void {
  visit(value, path)
  if (Array.isArray(value)) value.forEach((item: Json, index) => walk(item, `${path}[${index}]`, visit))
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, visit)
}

function list(value: Json | undefined): string[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

function actionProblems(resources: ResolvedStack['resources']): string[] {
  return statementsOf(resources).flatMap(s =>
    s.actions.flatMap(action => {
      const problem = checkIamAction(action, catalogue)
      return problem ? [`${s.resource} ${s.path}: ${problem}`] : []
    })
  )
}

/** The role's inline statements as "action -> resource" pairs. */
function grants(stackResources: ResolvedStack['resources'], role: string): string[] {
  return statementsOf({ [role]: stackResources[role] ?? fail(`no ${role}`) })
    .filter(s => s.path.includes('.Policies'))
    .flatMap(s => s.actions.flatMap(action => s.resources.map(resource => `${action} -> ${resource}`)))
    .sort()
}

function fail(message: string): never {
  throw new Error(message)
}

function properties(resolved: ResolvedStack, name: string): JsonObject {
  const resource = resolved.resources[name]
  if (!resource) throw new Error(`the stack has no ${name}`)
  return resource.Properties ?? {}
}

function get(value: Json | undefined, ...path: (string | number)[]): Json | undefined {
  let current: Json | undefined = value
  for (const key of path) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined
    else current = isObject(current) ? current[key] : undefined
  }
  return current
}

function ofType(resolved: ResolvedStack, type: string): string[] {
  return Object.entries(resolved.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([name]) => name)
}

/** The worker role's trust statement, as IAM reads it. */
function workerTrust(resolved: ResolvedStack): JsonObject {
  const [trust] = statementsOf(resolved.resources).filter(
    s => s.resource === 'WorkerRole' && s.path.includes('AssumeRolePolicyDocument')
  )
  if (!trust) throw new Error('the stack has no worker role trust statement')
  return trust.statement
}

/**
 * Whether IAM would let a token with this issuer-keyed `sub` (and audience)
 * assume the role: every operator block must hold; StringLike's * and ? wildcards.
 */
function trustAllows(condition: Json | undefined, claims: Record<string, string>): boolean {
  if (!isObject(condition)) return false
  const like = (pattern: string, value: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`
    ).test(value)
  return Object.entries(condition).every(([operator, keys]) => {
    if (!isObject(keys)) return false
    return Object.entries(keys).every(([key, allowed]) => {
      const value = claims[key]
      // A missing key fails a positive operator; a negated one (StringNotLike) holds (IAM user guide,
      // "Condition operators": "...IfExists" and negated matching operators).
      if (value === undefined) return operator.endsWith('IfExists') || operator.startsWith('StringNot')
      const patterns = list(allowed)
      if (operator.startsWith('StringEquals')) return patterns.includes(value)
      if (operator.startsWith('StringLike')) return patterns.some(p => like(p, value))
      if (operator.startsWith('StringNotLike')) return !patterns.some(p => like(p, value))
      throw new Error(`operator ${operator} not modelled`)
    })
  })
}

function arnOf(name: string, region = 'us-east-1', partition = 'aws'): string {
  return `arn:${partition}:stand-in:${region}:123456789012:${name}`
}

describe('the event-pattern matcher', () => {
  const pattern = { source: ['a'], detail: { state: ['STARTED', 'RESUMED'], type: { owner: ['Custom'] } } }

  it('matches an event that has every field with one of the listed values', () => {
    expect(
      matchesEventPattern(pattern, { source: 'a', other: 1, detail: { state: 'RESUMED', type: { owner: 'Custom' } } })
    ).toBe(true)
  })

  it('does not match when a value differs, a field is missing, or a nested object is a scalar', () => {
    expect(matchesEventPattern(pattern, { source: 'b', detail: { state: 'STARTED', type: { owner: 'Custom' } } })).toBe(
      false
    )
    expect(matchesEventPattern(pattern, { source: 'a', detail: { state: 'STARTED' } })).toBe(false)
    expect(matchesEventPattern(pattern, { source: 'a', detail: { state: 'STARTED', type: 'Custom' } })).toBe(false)
  })

  it('compares with types: the string "1" does not match the number 1', () => {
    expect(matchesEventPattern({ v: ['1'] }, { v: 1 })).toBe(false)
    expect(matchesEventPattern({ v: [1] }, { v: 1 })).toBe(true)
  })

  it('matches a list in the event when any element matches', () => {
    expect(matchesEventPattern({ resources: ['x'] }, { resources: ['w', 'x'] })).toBe(true)
    expect(matchesEventPattern({ resources: ['x'] }, { resources: ['w'] })).toBe(false)
  })

  it('refuses content filters it does not implement instead of guessing', () => {
    expect(() => matchesEventPattern({ source: [{ prefix: 'aws.' }] }, { source: 'aws.codepipeline' })).toThrow(
      /not supported/
    )
  })
})

describe('the IAM action checker', () => {
  it('accepts real operations and rejects a misspelt one', () => {
    expect(checkIamAction('codepipeline:PollForJobs', catalogue)).toBeUndefined()
    expect(checkIamAction('codepipeline:PollForJbs', catalogue)).toMatch(
      /"PollForJbs" is not an operation of codepipeline/
    )
    expect(checkIamAction('secretsmanager:GetSecretValue', catalogue)).toBeUndefined()
    expect(checkIamAction('secretsmanager:GetSecretValues', catalogue)).toMatch(/not an operation of secretsmanager/)
  })

  it('rejects wildcards, unknown services and malformed actions', () => {
    expect(checkIamAction('codepipeline:*', catalogue)).toMatch(/not "service:Operation"/)
    expect(checkIamAction('codepipeline:Put*', catalogue)).toMatch(/not "service:Operation"/)
    expect(checkIamAction('nosuchservice:Get', catalogue)).toMatch(/no list of operations for service "nosuchservice"/)
    expect(checkIamAction('PollForJobs', catalogue)).toMatch(/not "service:Operation"/)
  })

  it("takes CodePipeline's operations from the SDK client's command classes", () => {
    class PollForJobsCommand {}
    class Command {}
    const operations = operationsOfSdkModule({ PollForJobsCommand, Command, paginateListPipelines: () => 0 })
    expect([...operations]).toEqual(['PollForJobs'])
    expect(catalogue.operations.get('codepipeline')?.has('AcknowledgeJob')).toBe(true)
    expect(catalogue.sources.get('codepipeline')).toBe('@aws-sdk/client-codepipeline')
  })

  it('fails the template check for a misspelt action in the template', () => {
    const text = readFileSync(TEMPLATE_FILE, 'utf8')
    expect(text).toContain('codepipeline:PollForJobs')
    const broken = parseTemplate(text.replace('codepipeline:PollForJobs', 'codepipeline:PollForJbs'))
    const problems = actionProblems(resolveStack(broken, { parameters: REQUIRED }).resources)
    expect(problems).toEqual([expect.stringMatching(/^DispatcherRole .*codepipeline:PollForJbs/)])
  })
})

describe('deploy/bridge.yml', () => {
  describe('parameters', () => {
    const spec = (name: string): JsonObject => template.Parameters[name] ?? fail(`no parameter ${name}`)

    it("offers exactly the API's action categories", () => {
      expect(spec('ActionCategory').AllowedValues).toEqual([...ACTION_CATEGORIES])
    })

    it.each([
      ['ActionProvider', ACTION_TYPE_LENGTHS.ActionProvider],
      ['ActionVersion', ACTION_TYPE_LENGTHS.Version]
    ])('%s accepts what the API accepts', (name, lengths) => {
      const allowed = new RegExp(String(spec(name).AllowedPattern))
      const samples = ['a', 'GitHub_Actions-2', 'x'.repeat(lengths.max), 'x'.repeat(lengths.max + 1), '', 'a b', 'a.b']
      for (const sample of samples) {
        const byApi =
          ACTION_TYPE_NAME_PATTERN.test(sample) && sample.length >= lengths.min && sample.length <= lengths.max
        expect({ sample, allowed: allowed.test(sample) }).toEqual({ sample, allowed: byApi })
      }
    })

    it('needs the secret and, for the worker role, its repositories: CloudFormation refuses a stack without', () => {
      expect(() => resolveStack(template, { parameters: {} })).toThrow(/GitHubSecretName has no value/)
      const noRepositories = resolveStack(template, {
        parameters: { GitHubSecretName: SECRET, WorkerActor: 'my-bridge[bot]' }
      })
      expect(noRepositories.brokenRules).toEqual([expect.stringContaining('WorkerRepositories')])
      const withEmptyEntry = stack({ WorkerRepositories: 'octo-org/app,' })
      expect(withEmptyEntry.brokenRules).toHaveLength(1)
      expect(stack().brokenRules).toEqual([])
      expect(stack({ CreateWorkerRole: 'false', WorkerRepositories: '' }).brokenRules).toEqual([])
    })
  })

  describe('IAM', () => {
    it('every action in every policy, trust policy and permission is a real operation', () => {
      const everything = stack({ AlarmEmail: 'ops@example.com' })
      expect(statementsOf(everything.resources).length).toBeGreaterThan(4)
      expect(actionProblems(everything.resources)).toEqual([])
    })

    it("the dispatcher's role: PollForJobs on the action type only, the secret, its own log and queue", () => {
      const resolved = stack({ ActionCategory: 'Deploy', ActionProvider: 'Octo_Deploy', ActionVersion: 'v2' })
      const actionTypeArn = 'arn:aws:codepipeline:us-east-1:123456789012:actiontype:Custom/Deploy/Octo_Deploy/v2'
      expect(grants(resolved.resources, 'DispatcherRole')).toEqual(
        [
          `codepipeline:PollForJobs -> ${actionTypeArn}`,
          'codepipeline:AcknowledgeJob -> *',
          'codepipeline:PutJobFailureResult -> *',
          `secretsmanager:GetSecretValue -> arn:aws:secretsmanager:us-east-1:123456789012:secret:${SECRET}-??????`,
          `logs:CreateLogStream -> ${arnOf('DispatcherLogGroup')}`,
          `logs:PutLogEvents -> ${arnOf('DispatcherLogGroup')}`,
          `sqs:SendMessage -> ${arnOf('DeadLetterQueue')}`
        ].sort()
      )
      expect(resolved.outputs.ActionTypeArn).toBe(actionTypeArn)
      expect(resolved.outputs.ActionType).toBe('Custom/Deploy/Octo_Deploy/v2')
    })

    it("decrypts with the secret's KMS key only when given, that key only, and only through Secrets Manager", () => {
      expect(grants(stack().resources, 'DispatcherRole').filter(g => g.startsWith('kms:'))).toEqual([])
      const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
      for (const [where, endpoint] of [
        [{}, 'secretsmanager.us-east-1.amazonaws.com'],
        [{ region: 'cn-north-1', partition: 'aws-cn' }, 'secretsmanager.cn-north-1.amazonaws.com.cn']
      ] as const) {
        const resolved = stack({ SecretKmsKeyArn: key }, where)
        const kms = statementsOf(resolved.resources).filter(s => s.actions.some(a => a.startsWith('kms:')))
        expect(kms.map(s => [s.resource, s.actions, s.resources, s.statement.Condition])).toEqual([
          ['DispatcherRole', ['kms:Decrypt'], [key], { StringEquals: { 'kms:ViaService': endpoint } }]
        ])
      }
      const allowed = new RegExp(String(template.Parameters.SecretKmsKeyArn?.AllowedPattern))
      expect(allowed.test(key)).toBe(true)
      expect(allowed.test('arn:aws:kms:us-east-1:123456789012:alias/bridge')).toBe(false)
      expect(allowed.test('*')).toBe(false)
    })

    it("names, for each action, '*' or an ARN of the action's own service (or a resource of the stack)", () => {
      const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'
      const problems = statementsOf(stack({ SecretKmsKeyArn: key }).resources)
        .filter(s => s.path.includes('.Policies'))
        .flatMap(s =>
          s.resources.flatMap(resource => {
            if (resource === '*') return []
            const parts = resource.split(':')
            if (parts.length < 6 || parts[0] !== 'arn' || parts[1] !== 'aws')
              return [`${s.resource}: ${resource} is not an ARN`]
            if (parts[2] === 'stand-in') return []
            return s.actions
              .filter(action => action.split(':')[0] !== parts[2])
              .map(action => `${s.resource}: ${action} on ${resource}, an ARN of another service`)
          })
        )
      expect(problems).toEqual([])
    })

    it("builds the ARNs from the stack's partition and Region", () => {
      const resolved = stack({}, { region: 'cn-north-1', partition: 'aws-cn' })
      const resources = grants(resolved.resources, 'DispatcherRole').map(grant => grant.split(' -> ')[1])
      expect(resources).toContain(
        'arn:aws-cn:codepipeline:cn-north-1:123456789012:actiontype:Custom/Build/GitHubActions/1'
      )
      expect(resources).toContain(`arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:${SECRET}-??????`)
    })

    it('only the dispatcher role may assume-role from Lambda, and nothing else in it uses a wildcard', () => {
      const resolved = stack()
      const trust = statementsOf(resolved.resources).filter(s => s.path.includes('AssumeRolePolicyDocument'))
      expect(
        trust.map(s => `${s.resource}: ${s.actions.join(',')} by ${JSON.stringify(s.statement.Principal)}`)
      ).toEqual([
        'DispatcherRole: sts:AssumeRole by {"Service":"lambda.amazonaws.com"}',
        `WorkerRole: sts:AssumeRoleWithWebIdentity by {"Federated":"<GitHubOidcProvider>"}`
      ])
      const noResourceArn = new Set([
        'codepipeline:AcknowledgeJob',
        'codepipeline:PutJobFailureResult',
        'codepipeline:PutJobSuccessResult',
        'codepipeline:GetJobDetails'
      ])
      const wildcards = statementsOf(resolved.resources).filter(
        s =>
          s.resources.some(r => r.includes('*') && r !== '*') ||
          (s.resources.includes('*') && !s.actions.every(a => noResourceArn.has(a)))
      )
      expect(wildcards).toEqual([])
    })
  })

  describe('the worker role', () => {
    const ISSUER = 'token.actions.githubusercontent.com'
    const claims = (sub: string, issuer = ISSUER) => ({
      [`${issuer}:aud`]: 'sts.amazonaws.com',
      [`${issuer}:sub`]: sub
    })

    it('allows only reporting results and reading the job, to the listed repositories through GitHub OIDC', () => {
      const resolved = stack()
      expect(grants(resolved.resources, 'WorkerRole')).toEqual([
        'codepipeline:GetJobDetails -> *',
        'codepipeline:PutJobFailureResult -> *',
        'codepipeline:PutJobSuccessResult -> *'
      ])
      expect(properties(resolved, 'GitHubOidcProvider')).toEqual({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIdList: ['sts.amazonaws.com']
      })
      expect(resolved.outputs.WorkerRoleArn).toBe(arnOf('WorkerRole'))
    })

    // Who asks for the role, and the sub GitHub gives each run: the default template (repo, context) or the
    // one BridgeActor needs (repo, context, actor). BOT is the bridge's App; alice has write access to the
    // repository and no AWS access.
    const BOT = 'my-bridge[bot]'
    interface Run {
      readonly who: string
      readonly repo: string
      readonly context: string
      readonly actor: string
    }
    const RUNS: readonly Run[] = [
      { who: "the bridge's run on main", repo: 'octo-org/app', context: 'ref:refs/heads/main', actor: BOT },
      {
        who: "the bridge's run, second repository",
        repo: 'octo-org/infra',
        context: 'ref:refs/heads/main',
        actor: BOT
      },
      {
        who: "a person's manual dispatch on main",
        repo: 'octo-org/app',
        context: 'ref:refs/heads/main',
        actor: 'alice'
      },
      { who: 'a push to main', repo: 'octo-org/app', context: 'ref:refs/heads/main', actor: 'alice' },
      { who: 'a pull request', repo: 'octo-org/app', context: 'pull_request', actor: 'alice' },
      { who: 'a run on another branch', repo: 'octo-org/app', context: 'ref:refs/heads/feature', actor: 'alice' },
      { who: "the bridge's run on another branch", repo: 'octo-org/app', context: 'ref:refs/heads/x', actor: BOT },
      { who: 'a tag', repo: 'octo-org/app', context: 'ref:refs/tags/v1', actor: 'alice' },
      { who: "a fork's own run", repo: 'alice/app', context: 'ref:refs/heads/main', actor: 'alice' },
      { who: 'a fork, run as the bot', repo: 'alice/app', context: 'ref:refs/heads/main', actor: BOT },
      { who: 'a look-alike repository', repo: 'octo-org/app-evil', context: 'ref:refs/heads/main', actor: BOT },
      { who: 'a look-alike owner', repo: 'octo-org-evil/app', context: 'ref:refs/heads/main', actor: BOT },
      {
        who: 'an environment named x:ref:refs/heads/main',
        repo: 'octo-org/app',
        context: 'environment:x:ref:refs/heads/main',
        actor: 'alice'
      },
      {
        who: `an environment named x:ref:refs/heads/main:actor:${BOT}`,
        repo: 'octo-org/app',
        context: `environment:x:ref:refs/heads/main:actor:${BOT}`,
        actor: 'alice'
      },
      {
        who: 'a job in the environment pipeline',
        repo: 'octo-org/app',
        context: 'environment:pipeline',
        actor: 'alice'
      }
    ]
    const defaultSub = (run: Run) => `repo:${run.repo}:${run.context}`
    const actorSub = (run: Run) => `repo:${run.repo}:${run.context}:actor:${run.actor}`
    /** The runs of RUNS a trust policy admits, given the sub each gets. */
    const admitted = (condition: Json | undefined, sub: (run: Run) => string) =>
      RUNS.filter(run => trustAllows(condition, claims(sub(run)))).map(run => run.who)

    it("by default (BridgeActor) admits only the bridge's own runs on main: no person's dispatch, push or PR", () => {
      expect(template.Parameters.WorkerTrust?.Default).toBe('BridgeActor')
      const condition = workerTrust(stack()).Condition
      expect(admitted(condition, actorSub)).toEqual(["the bridge's run on main", "the bridge's run, second repository"])
      // A repository without the subject template: its runs get no credentials at all (it fails closed).
      expect(admitted(condition, defaultSub)).toEqual([])
      // CloudFormation refuses the stack without the bot's login, or with the login any GITHUB_TOKEN gets.
      expect(stack({ WorkerActor: '' }).brokenRules).toEqual([expect.stringContaining('WorkerActor')])
      expect(stack({ WorkerActor: 'github-actions[bot]' }).brokenRules).toEqual([
        expect.stringContaining('GITHUB_TOKEN')
      ])
      expect(stack({ CreateWorkerRole: 'false', WorkerRepositories: '', WorkerActor: '' }).brokenRules).toEqual([])
    })

    it('accepts as WorkerActor only a GitHub login (an App bot or a machine user)', () => {
      const allowed = new RegExp(String(template.Parameters.WorkerActor?.AllowedPattern))
      expect(['my-bridge[bot]', 'ci-user', ''].filter(v => allowed.test(v))).toEqual(['my-bridge[bot]', 'ci-user', ''])
      expect(['*', 'a*', 'bot?', 'a:b', 'x[bot]y', '-x', 'a b'].filter(v => allowed.test(v))).toEqual([])
    })

    it('names repositories exactly: no wildcard admits a look-alike', () => {
      const allowed = new RegExp(String(template.Parameters.WorkerRepositories?.AllowedPattern))
      expect(['octo-org/app', 'o.rg/a_b-c.d'].filter(v => allowed.test(v))).toHaveLength(2)
      expect(['octo-org/app*', 'octo-org/*', 'octo-org/a?p', 'octo-org', 'a/b:c'].filter(v => allowed.test(v))).toEqual(
        []
      )
    })

    it('with DefaultBranch admits every run on main, the person who dispatches by hand included', () => {
      const condition = workerTrust(stack({ WorkerTrust: 'DefaultBranch' })).Condition
      expect(admitted(condition, defaultSub)).toEqual([
        "the bridge's run on main",
        "the bridge's run, second repository",
        "a person's manual dispatch on main",
        'a push to main'
      ])
      expect(trustAllows(condition, { [`${ISSUER}:sub`]: 'repo:octo-org/app:ref:refs/heads/main' })).toBe(false)
    })

    it('follows WorkerBranch for another branch', () => {
      const condition = workerTrust(stack({ WorkerTrust: 'DefaultBranch', WorkerBranch: 'trunk' })).Condition
      expect(trustAllows(condition, claims('repo:octo-org/app:ref:refs/heads/trunk'))).toBe(true)
      expect(trustAllows(condition, claims('repo:octo-org/app:ref:refs/heads/main'))).toBe(false)
      const actor = workerTrust(stack({ WorkerActor: BOT, WorkerBranch: 'trunk' })).Condition
      expect(trustAllows(actor, claims(`repo:octo-org/app:ref:refs/heads/trunk:actor:${BOT}`))).toBe(true)
      expect(trustAllows(actor, claims(`repo:octo-org/app:ref:refs/heads/main:actor:${BOT}`))).toBe(false)
    })

    it('with Environment admits only jobs in the named environment (its protection rules decide who)', () => {
      const condition = workerTrust(stack({ WorkerTrust: 'Environment', WorkerEnvironment: 'pipeline' })).Condition
      expect(admitted(condition, defaultSub)).toEqual(['a job in the environment pipeline'])
      expect(trustAllows(condition, claims('repo:octo-org/other:environment:pipeline'))).toBe(false)
      // CloudFormation refuses the stack without the environment's name.
      expect(stack({ WorkerTrust: 'Environment' }).brokenRules).toEqual([expect.stringContaining('WorkerEnvironment')])
    })

    it('with AnyRef admits any run of the listed repositories, and still no look-alike or fork', () => {
      const condition = workerTrust(stack({ WorkerTrust: 'AnyRef' })).Condition
      expect(condition).toEqual({
        StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${ISSUER}:sub`]: ['repo:octo-org/app:*', 'repo:octo-org/infra:*'] }
      })
      expect(admitted(condition, defaultSub)).toEqual(
        RUNS.filter(run => run.repo === 'octo-org/app' || run.repo === 'octo-org/infra').map(run => run.who)
      )
    })

    it('derives the provider URL and the condition keys from the issuer (GHE.com, GitHub Enterprise Server)', () => {
      for (const issuer of ['token.actions.octocorp.ghe.com', 'ghes.example.com/_services/token']) {
        const resolved = stack({ GitHubOidcIssuer: issuer })
        expect(properties(resolved, 'GitHubOidcProvider').Url).toBe(`https://${issuer}`)
        const condition = workerTrust(resolved).Condition
        const keys = Object.values(isObject(condition) ? condition : {}).flatMap(block =>
          Object.keys(isObject(block) ? block : {})
        )
        expect(new Set(keys)).toEqual(new Set([`${issuer}:aud`, `${issuer}:sub`]))
        const sub = `repo:octo-org/app:ref:refs/heads/main:actor:${BOT}`
        expect(trustAllows(condition, claims(sub, issuer))).toBe(true)
        expect(trustAllows(condition, claims(sub))).toBe(false)
      }
      const allowed = new RegExp(String(template.Parameters.GitHubOidcIssuer?.AllowedPattern))
      expect(['https://token.actions.githubusercontent.com', 'a b', ''].filter(v => allowed.test(v))).toEqual([])
    })

    it('keeps the OIDC provider when the stack is deleted or the provider replaced', () => {
      const provider = template.Resources.GitHubOidcProvider
      expect(provider?.DeletionPolicy).toBe('Retain')
      expect(provider?.UpdateReplacePolicy).toBe('Retain')
    })

    it('refuses branch and environment names that would widen the pattern', () => {
      for (const name of ['WorkerBranch', 'WorkerEnvironment']) {
        const allowed = new RegExp(String(template.Parameters[name]?.AllowedPattern))
        expect(['*', 'main*', 'a?', 'x:y', 'a"b'].filter(v => allowed.test(v))).toEqual([])
        expect(allowed.test('release/2026')).toBe(true)
      }
    })

    it("trusts the account's existing OIDC provider when given, and creates none", () => {
      const existing = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
      const resolved = stack({ GitHubOidcProviderArn: existing })
      expect(ofType(resolved, 'AWS::IAM::OIDCProvider')).toEqual([])
      expect(workerTrust(resolved).Principal).toEqual({ Federated: existing })
    })

    it('is left out, with its provider and output, when not wanted', () => {
      const resolved = stack({ CreateWorkerRole: 'false', WorkerRepositories: '' })
      expect(ofType(resolved, 'AWS::IAM::OIDCProvider')).toEqual([])
      expect(ofType(resolved, 'AWS::IAM::Role')).toEqual(['DispatcherRole'])
      expect(resolved.outputs).not.toHaveProperty('WorkerRoleArn')
    })
  })

  describe('the STARTED rule', () => {
    const patternOf = (resolved: ResolvedStack): Json => properties(resolved, 'StartedRule').EventPattern ?? null

    it("matches the action type's STARTED events, whether the version comes as a number or a string", () => {
      const pattern = patternOf(stack())
      expect(matchesEventPattern(pattern, startedEvent())).toBe(true)
      expect(matchesEventPattern(pattern, startedEvent({ version: '1' }))).toBe(true)
    })

    it('does not match another provider, category, owner, state or source', () => {
      const pattern = patternOf(stack())
      expect(matchesEventPattern(pattern, startedEvent({ provider: 'OtherProvider' }))).toBe(false)
      expect(matchesEventPattern(pattern, startedEvent({ category: 'Deploy' }))).toBe(false)
      expect(matchesEventPattern(pattern, startedEvent({ owner: 'AWS', provider: 'CodeBuild' }))).toBe(false)
      expect(matchesEventPattern(pattern, startedEvent({ owner: 'AWS' }))).toBe(false)
      for (const state of ['SUCCEEDED', 'FAILED', 'RESUMED']) {
        expect(matchesEventPattern(pattern, startedEvent({}, { state }))).toBe(false)
      }
      // The states that mean the work is no longer wanted: the function cancels the run.
      for (const state of ['ABANDONED', 'CANCELED']) {
        expect(matchesEventPattern(pattern, startedEvent({}, { state }))).toBe(true)
        expect(matchesEventPattern(pattern, startedEvent({ provider: 'OtherProvider' }, { state }))).toBe(false)
      }
      const stageEvent = { ...startedEvent(), 'detail-type': 'CodePipeline Stage Execution State Change' }
      expect(matchesEventPattern(pattern, stageEvent)).toBe(false)
      expect(matchesEventPattern(pattern, { ...startedEvent(), source: 'custom.codepipeline' })).toBe(false)
    })

    it('follows the action type parameters', () => {
      const pattern = patternOf(stack({ ActionCategory: 'Test', ActionProvider: 'Octo' }))
      expect(matchesEventPattern(pattern, startedEvent({ category: 'Test', provider: 'Octo' }))).toBe(true)
      expect(matchesEventPattern(pattern, startedEvent())).toBe(false)
    })

    it('and the sweep schedule invoke the function, each allowed by its own permission', () => {
      const resolved = stack({ SweepSchedule: 'rate(2 minutes)' })
      const rules = ofType(resolved, 'AWS::Events::Rule').sort()
      expect(rules).toEqual(['StartedRule', 'SweepRule'])
      expect(properties(resolved, 'SweepRule').ScheduleExpression).toBe('rate(2 minutes)')
      // Once a minute by default: a dead run fails its pipeline within about a minute (docs/lifecycle.md).
      expect(properties(stack(), 'SweepRule').ScheduleExpression).toBe('rate(1 minute)')
      for (const rule of rules) {
        expect(get(properties(resolved, rule), 'Targets', 0, 'Arn')).toBe(arnOf('DispatcherFunction'))
      }
      const permitted = ofType(resolved, 'AWS::Lambda::Permission')
        .map(name => properties(resolved, name))
        .filter(p => p.Principal === 'events.amazonaws.com')
      expect(permitted.map(p => [p.FunctionName, p.Principal, p.SourceArn]).sort()).toEqual(
        rules.map(rule => ['<DispatcherFunction>', 'events.amazonaws.com', arnOf(rule)]).sort()
      )
    })
  })

  describe("the App's webhook URL", () => {
    it('is a Function URL without IAM auth, publicly invocable through both actions URLs created since October 2025 need', () => {
      const resolved = stack()
      expect(ofType(resolved, 'AWS::Lambda::Url')).toEqual(['WebhookUrl'])
      const url = properties(resolved, 'WebhookUrl')
      expect(url.TargetFunctionArn).toBe(arnOf('DispatcherFunction'))
      expect(url.AuthType).toBe('NONE')
      const publicGrants = ofType(resolved, 'AWS::Lambda::Permission')
        .map(name => properties(resolved, name))
        .filter(p => p.Principal === '*')
      expect(publicGrants.map(p => [p.Action, p.FunctionName]).sort()).toEqual([
        ['lambda:InvokeFunction', '<DispatcherFunction>'],
        ['lambda:InvokeFunctionUrl', '<DispatcherFunction>']
      ])
      // Public, but only through the URL: the InvokeFunction grant is limited to calls made via the URL.
      expect(publicGrants.find(p => p.Action === 'lambda:InvokeFunctionUrl')?.FunctionUrlAuthType).toBe('NONE')
      expect(publicGrants.find(p => p.Action === 'lambda:InvokeFunction')?.InvokedViaFunctionUrl).toBe(true)
    })

    it("is an output, to paste as the App's webhook URL", () => {
      const text = readFileSync(TEMPLATE_FILE, 'utf8')
      expect(text).toMatch(
        /\n {2}WebhookUrl:\n {4}Description: .*webhook URL.*\n {4}Value: !GetAtt WebhookUrl\.FunctionUrl/
      )
    })
  })

  describe('the function', () => {
    it('runs the Lambda bundle in dist/lambda (index.handler) on Node.js 22 or later, arm64', () => {
      const fn = properties(stack(), 'DispatcherFunction')
      expect(resolvePath(dirname(TEMPLATE_FILE), String(fn.Code))).toBe(join(ROOT, 'dist', 'lambda'))
      expect(fn.Handler).toBe('index.handler')
      expect(String(fn.Runtime)).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/)
      expect(fn.Architectures).toEqual(['arm64'])
    })

    it("is configured by the dispatcher's inputs as environment variables, plus the secret's ID", () => {
      const resolved = stack({
        DefaultRepository: 'octo-org/app',
        DefaultWorkflow: 'pipeline-job.yml',
        DefaultRef: 'main',
        MaxBatchSize: '20',
        MaxAttempts: '3',
        GitHubApiUrl: 'https://ghe.example.com/api/v3'
      })
      const variables = get(properties(resolved, 'DispatcherFunction'), 'Environment', 'Variables')
      // Exactly the variables the handler reads (src/lambda/config.ts).
      expect(Object.keys(isObject(variables) ? variables : {}).sort()).toEqual(
        [
          ...LAMBDA_INPUT_NAMES.map(variableFor),
          SECRET_ID_VARIABLE,
          SWEEP_SCHEDULE_VARIABLE,
          SUBJECT_CHECK_VARIABLE
        ].sort()
      )
      expect(variables).toEqual({
        CATEGORY: 'Build',
        PROVIDER: 'GitHubActions',
        VERSION: '1',
        REPOSITORY: 'octo-org/app',
        WORKFLOW: 'pipeline-job.yml',
        REF: 'main',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        MAX_BATCH_SIZE: '20',
        MAX_ATTEMPTS: '3',
        MAX_QUEUE_MINUTES: '15',
        SWEEP_SCHEDULE: 'rate(1 minute)',
        GITHUB_SECRET_ID: SECRET,
        CHECK_SUBJECT_ACTOR: 'true'
      })
      // The subject check runs only where the worker role trusts the bridge's actor.
      const others: Record<string, string>[] = [
        { WorkerTrust: 'DefaultBranch' },
        { CreateWorkerRole: 'false', WorkerRepositories: '' }
      ]
      for (const parameters of others)
        expect(
          get(properties(stack(parameters), 'DispatcherFunction'), 'Environment', 'Variables', 'CHECK_SUBJECT_ACTOR')
        ).toBe('false')
    })

    it('logs to its own group, kept for the chosen number of days', () => {
      const resolved = stack({ LogRetentionDays: '90' })
      expect(get(properties(resolved, 'DispatcherFunction'), 'LoggingConfig', 'LogGroup')).toBe('<DispatcherLogGroup>')
      expect(properties(resolved, 'DispatcherLogGroup').RetentionInDays).toBe('90')
    })

    it("uses Lambda's JSON log format, so that the log levels filter the function's lines", () => {
      expect(get(properties(stack(), 'DispatcherFunction'), 'LoggingConfig')).toEqual({
        LogGroup: '<DispatcherLogGroup>',
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO'
      })
      const debug = stack({ ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' })
      expect(get(properties(debug, 'DispatcherFunction'), 'LoggingConfig')).toMatchObject({
        ApplicationLogLevel: 'DEBUG',
        SystemLogLevel: 'WARN'
      })
      // Metric lines carry no level, so Lambda files them as INFO: a higher level would drop them.
      expect(template.Parameters.ApplicationLogLevel?.AllowedValues).toEqual(['TRACE', 'DEBUG', 'INFO'])
    })

    it('never runs longer than the cached GitHub token is kept valid for', () => {
      expect(Number(template.Parameters.FunctionTimeout?.MaxValue) * 1000).toBeLessThanOrEqual(LAMBDA_MAX_TIMEOUT_MS)
    })
  })

  describe('failures reach a person', () => {
    it('failed invocations and undeliverable events go to the dead-letter queue', () => {
      const resolved = stack()
      expect(get(properties(resolved, 'DispatcherInvokeConfig'), 'DestinationConfig', 'OnFailure', 'Destination')).toBe(
        arnOf('DeadLetterQueue')
      )
      for (const rule of ['StartedRule', 'SweepRule']) {
        expect(get(properties(resolved, rule), 'Targets', 0, 'DeadLetterConfig', 'Arn')).toBe(arnOf('DeadLetterQueue'))
      }
      const queuePolicy = get(properties(resolved, 'DeadLetterQueuePolicy'), 'PolicyDocument', 'Statement', 0)
      expect(get(queuePolicy, 'Condition', 'ArnEquals', 'aws:SourceArn')).toEqual([
        arnOf('StartedRule'),
        arnOf('SweepRule')
      ])
    })

    it('alarms on function errors, failed jobs, credential failures and new dead letters, notifying the topic', () => {
      const resolved = stack({ AlarmEmail: 'ops@example.com', ActionVersion: '2' })
      const alarms = ofType(resolved, 'AWS::CloudWatch::Alarm').map(name => properties(resolved, name))
      const dimensions = (alarm: JsonObject) =>
        Object.fromEntries(
          (Array.isArray(alarm.Dimensions) ? alarm.Dimensions : []).map(d => [
            String(get(d, 'Name')),
            String(get(d, 'Value'))
          ])
        )
      const ours = { service: SERVICE_NAME, [ACTION_TYPE_DIMENSION]: 'Custom/Build/GitHubActions/2' }
      expect(alarms.map(a => [a.Namespace, a.MetricName, dimensions(a), a.Statistic, a.AlarmActions])).toEqual([
        ['AWS/Lambda', 'Errors', { FunctionName: '<DispatcherFunction>' }, 'Sum', ['<AlarmTopic>']],
        [METRICS_NAMESPACE, ROUND_METRICS.failed, ours, 'Sum', ['<AlarmTopic>']],
        [METRICS_NAMESPACE, CREDENTIAL_FAILURES, ours, 'Sum', ['<AlarmTopic>']],
        // Counts each new message: alarms again for the next one, unlike the number visible.
        ['AWS/SQS', 'NumberOfMessagesSent', { QueueName: '<DeadLetterQueue.QueueName>' }, 'Sum', ['<AlarmTopic>']]
      ])
      // The dimension value is the one the function writes.
      expect(ours.ActionType).toBe(actionTypeDimension({ category: 'Build', provider: 'GitHubActions', version: '2' }))
      for (const alarm of alarms) expect([alarm.Threshold, alarm.TreatMissingData]).toEqual([1, 'notBreaching'])
      expect(properties(resolved, 'AlarmSubscription')).toEqual({
        TopicArn: '<AlarmTopic>',
        Protocol: 'email',
        Endpoint: 'ops@example.com'
      })
      expect(ofType(stack(), 'AWS::SNS::Subscription')).toEqual([])
    })
  })

  describe('the custom action type', () => {
    it('is kept when the stack is deleted or the type replaced (a deleted version cannot be created again)', () => {
      const actionType = template.Resources.ActionType
      expect(actionType?.DeletionPolicy).toBe('Retain')
      expect(actionType?.UpdateReplacePolicy).toBe('Retain')
      expect(ofType(stack({ CreateActionType: 'false' }), 'AWS::CodePipeline::CustomActionType')).toEqual([])
    })

    it('declares the properties the dispatcher reads: Repository required, the others optional', () => {
      const declared = properties(stack(), 'ActionType').ConfigurationProperties
      const requiredness = (Array.isArray(declared) ? declared : []).map(
        p => `${String(get(p, 'Name'))}:${String(get(p, 'Required'))}`
      )
      expect(requiredness).toEqual([
        `${CONFIG_KEYS.repository}:true`,
        `${CONFIG_KEYS.workflow}:false`,
        `${CONFIG_KEYS.ref}:false`,
        `${CONFIG_KEYS.sourceArtifact}:false`,
        `${CONFIG_KEYS.inputs}:false`
      ])
    })

    it('is not shaped by the defaults, so changing one never replaces the type', () => {
      const defaults = { DefaultRepository: 'octo-org/app', DefaultWorkflow: 'pipeline-job.yml', DefaultRef: 'main' }
      expect(properties(stack(defaults), 'ActionType')).toEqual(properties(stack(), 'ActionType'))
    })

    it("links each execution to its workflow run in the action's repository, on the configured GitHub", () => {
      expect(properties(stack(), 'ActionType').Settings).toEqual({
        ExecutionUrlTemplate: 'https://github.com/{Config:Repository}/actions/runs/{ExternalExecutionId}',
        EntityUrlTemplate: 'https://github.com/{Config:Repository}/actions'
      })
      expect(properties(stack({ GitHubServerUrl: 'https://ghe.example.com' }), 'ActionType').Settings).toEqual({
        ExecutionUrlTemplate: 'https://ghe.example.com/{Config:Repository}/actions/runs/{ExternalExecutionId}',
        EntityUrlTemplate: 'https://ghe.example.com/{Config:Repository}/actions'
      })
    })

    it('takes its artifact counts from the parameters', () => {
      const resolved = stack({ InputArtifactsMinimum: '1', OutputArtifactsMaximum: '2' })
      const actionType = properties(resolved, 'ActionType')
      expect([actionType.InputArtifactDetails, actionType.OutputArtifactDetails]).toEqual([
        { MinimumCount: '1', MaximumCount: '5' },
        { MinimumCount: '0', MaximumCount: '2' }
      ])
    })
  })

  it('has a dashboard of the metrics the function writes and of its failed jobs', () => {
    const body = JSON.parse(String(properties(stack(), 'Dashboard').DashboardBody)) as JsonObject
    const text = JSON.stringify(body)
    for (const name of [...Object.values(ROUND_METRICS), CREDENTIAL_FAILURES, 'DispatchLatency'].filter(
      n => n !== ROUND_METRICS.skipped
    ))
      expect(text).toContain(`"${name}"`)
    expect(text).toContain(`"${METRICS_NAMESPACE}"`)
    expect(text).toContain('"ActionType","Custom/Build/GitHubActions/1"')
    expect(text).toContain("SOURCE '<DispatcherLogGroup>'")
  })

  it('lets a second stack serve the next ActionVersion beside the first (the upgrade path)', () => {
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const first = stack()
    const second = stack({ ActionVersion: '2', GitHubOidcProviderArn: provider })
    // No resource has a fixed physical name (only references to the stack's own), so both stacks' resources exist side by side.
    const named = /^(FunctionName|RoleName|QueueName|TopicName|LogGroupName|Name|DashboardName|AlarmName)$/
    for (const resolved of [first, second])
      for (const [name, resource] of Object.entries(resolved.resources))
        expect({
          name,
          named: Object.entries(resource.Properties ?? {})
            .filter(([k, v]) => named.test(k) && !/^<\w+>$/.test(String(v)))
            .map(([k]) => k)
        }).toEqual({
          name,
          named: []
        })
    expect(ofType(second, 'AWS::IAM::OIDCProvider')).toEqual([])
    expect(workerTrust(second).Principal).toEqual({ Federated: provider })
    const poll = (resolved: ResolvedStack) =>
      grants(resolved.resources, 'DispatcherRole').filter(g => g.startsWith('codepipeline:PollForJobs'))
    expect(poll(first)).toEqual([expect.stringMatching(/actiontype:Custom\/Build\/GitHubActions\/1$/)])
    expect(poll(second)).toEqual([expect.stringMatching(/actiontype:Custom\/Build\/GitHubActions\/2$/)])
    // Each function serves its own version: the events of the other version reach it and are ignored.
    expect(get(properties(second, 'DispatcherFunction'), 'Environment', 'Variables', 'VERSION')).toBe('2')
    expect(matchesEventPattern(properties(second, 'StartedRule').EventPattern ?? null, startedEvent())).toBe(true)
    // The first stack's type stays (Retain) while its pipelines still use version 1.
    expect(template.Resources.ActionType?.DeletionPolicy).toBe('Retain')
  })

  it('reserves the ReservedConcurrency parameter (default 2) for the function, or none with 0', () => {
    expect(properties(stack(), 'DispatcherFunction').ReservedConcurrentExecutions).toBe('2')
    expect(properties(stack({ ReservedConcurrency: '5' }), 'DispatcherFunction').ReservedConcurrentExecutions).toBe('5')
    expect(properties(stack({ ReservedConcurrency: '0' }), 'DispatcherFunction')).not.toHaveProperty(
      'ReservedConcurrentExecutions'
    )
  })

  it('stays small enough for `aws cloudformation deploy` to send it without an S3 bucket (51,200 bytes)', () => {
    expect(statSync(TEMPLATE_FILE).size).toBeLessThan(51_200)
  })

  it('outputs the action type, the function and the worker role', () => {
    expect(Object.keys(stack().outputs)).toEqual(
      expect.arrayContaining(['ActionType', 'FunctionName', 'WorkerRoleArn'])
    )
    expect(stack().outputs.FunctionName).toBe('<DispatcherFunction>')
  })
})

describe('docs/aws-setup.md', () => {
  const section = readFileSync(join(ROOT, 'docs', 'aws-setup.md'), 'utf8')

  it('lists every parameter of the template with its default, and nothing else', () => {
    const rows = section
      .split('\n')
      .map(line => /^\| `(\w+)` +\| ([^|]*?) +\|/.exec(line))
      .filter(match => match !== null)
      .map(match => [match[1], match[2]])
    const expected = Object.entries(template.Parameters).map(([name, spec]) => [
      name,
      spec.Default === undefined ? '(required)' : spec.Default === '' ? '' : `\`${String(spec.Default)}\``
    ])
    expect(rows).toEqual(expected)
  })

  it('deploys with parameter overrides the template has', () => {
    const overrides = [...section.matchAll(/^ {4}(\w+)=\S+/gm)].map(match => match[1])
    expect(overrides.length).toBeGreaterThan(0)
    for (const name of overrides) expect(Object.keys(template.Parameters)).toContain(name)
    const required = Object.entries(template.Parameters).filter(([, spec]) => spec.Default === undefined)
    for (const [name] of required) expect(overrides).toContain(name)
  })
})
