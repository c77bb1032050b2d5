// GitHub's own descriptions, as validators: its REST API (@octokit/openapi,
// OpenAPI 3.0, whose `nullable` Ajv understands) and its webhook payloads
// (@octokit/openapi-webhooks, OpenAPI 3.1, whose schemas are JSON Schema
// 2020-12). The fake GitHub is held to them as the emulator is held to the
// CodePipeline model. Only api.github.com's description is read (13 MB of the
// package's 385 MB), once per test file, and each schema is compiled once, when
// first asked for.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsPlugin from 'ajv-formats'

type JsonSchema = Record<string, unknown>

interface OpenApiDocument {
  readonly paths?: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>
  readonly webhooks?: Record<string, Record<string, { requestBody?: unknown }>>
  readonly components: { schemas: Record<string, JsonSchema>; responses?: Record<string, unknown> }
}

// ajv-formats is CommonJS with its function as `module.exports` (and as `.default`).
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv) => void

const resolveFrom = createRequire(import.meta.url)

/** A package's description of api.github.com (not GitHub Enterprise's). */
function readDescription(packageName: string): OpenApiDocument {
  const root = path.dirname(resolveFrom.resolve(`${packageName}/package.json`))
  return JSON.parse(readFileSync(path.join(root, 'generated', 'api.github.com.json'), 'utf8')) as OpenApiDocument
}

interface Described {
  readonly document: OpenApiDocument
  readonly ajv: Ajv
  readonly id: string
  readonly compiled: Map<string, ValidateFunction>
}

function describedBy(packageName: string, id: string, makeAjv: () => Ajv): () => Described {
  let loaded: Described | undefined
  return () => {
    if (loaded) return loaded
    const document = readDescription(packageName)
    const ajv = makeAjv()
    addFormats(ajv)
    // Only the components are a schema document: `$ref`s inside them point at `#/components/schemas/...`.
    const schemas = nullableWithoutType(document.components.schemas) as Record<string, JsonSchema>
    ajv.addSchema({ $id: id, components: { schemas } }, undefined, undefined, false)
    loaded = { document, ajv, id, compiled: new Map() }
    return loaded
  }
}

/**
 * OpenAPI 3.0's `nullable: true` beside no `type` (GitHub writes it beside a
 * `oneOf` or `allOf`: "this, or null"), which Ajv refuses, as JSON Schema says
 * it, rewritten in place (the parsed description is this module's own copy).
 */
function nullableWithoutType(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = nullableWithoutType(node[i])
    return node
  }
  const schema = node as JsonSchema
  for (const key of Object.keys(schema)) schema[key] = nullableWithoutType(schema[key])
  if (schema.nullable !== true || 'type' in schema) return schema
  const { nullable: _, ...rest } = schema
  return { anyOf: [{ type: 'null' }, rest] }
}

// strict: false because the descriptions carry OpenAPI's own keywords (example, x-github, discriminator...).
const options = { strict: false, allErrors: true, validateSchema: false } as const
const rest = describedBy('@octokit/openapi', 'rest', () => new Ajv(options))
const webhooks = describedBy('@octokit/openapi-webhooks', 'webhooks', () => new Ajv2020(options) as unknown as Ajv)

/** A schema's `$ref`s point into the described document's components. */
function validator(described: Described, key: string, schema: JsonSchema): ValidateFunction {
  let validate = described.compiled.get(key)
  if (!validate) {
    const rebased = JSON.parse(
      JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${described.id}#/`)
    ) as JsonSchema
    validate = described.ajv.compile(rebased)
    described.compiled.set(key, validate)
  }
  return validate
}

function messages(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(e => `${e.instancePath || '(root)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
}

/** `#/components/responses/not_found` and the like, followed to the response they name. */
function followResponse(document: OpenApiDocument, response: unknown): unknown {
  const ref = (response as { $ref?: unknown } | undefined)?.$ref
  if (typeof ref !== 'string') return response
  return document.components.responses?.[ref.replace('#/components/responses/', '')]
}

export interface RestOperation {
  readonly operationId: string
  readonly statuses: readonly string[]
}

/** The operation GitHub's description gives for a method and path template, if any. */
export function restOperation(method: string, pathTemplate: string): RestOperation | undefined {
  const operation = rest().document.paths?.[pathTemplate]?.[method.toLowerCase()]
  if (!operation?.operationId) return undefined
  return { operationId: operation.operationId, statuses: Object.keys(operation.responses ?? {}) }
}

/**
 * What is wrong with an answer to `method pathTemplate` (a template as GitHub's
 * description spells it: `/repos/{owner}/{repo}/actions/runs/{run_id}`), by the
 * schema of the operation's response for that status; empty when nothing is.
 * An error status the operation does not list (401, 403 and 404 can come from
 * any endpoint) is held to `basic-error`, GitHub's error body. A status the
 * description gives no content (204) must have no body.
 */
export function validateRestResponse(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  const described = rest()
  const operation = described.document.paths?.[pathTemplate]?.[method.toLowerCase()]
  if (!operation) return [`GitHub's REST description has no operation ${method} ${pathTemplate}`]
  const documented = followResponse(described.document, operation.responses?.[String(status)]) as
    { content?: Record<string, { schema?: JsonSchema }> } | undefined
  let schema: JsonSchema | undefined
  if (documented) schema = documented.content?.['application/json']?.schema
  else if (status >= 400) schema = { $ref: '#/components/schemas/basic-error' }
  else return [`GitHub's description of ${operation.operationId} has no ${status} response`]
  if (!schema) return body === undefined ? [] : [`${operation.operationId} answers ${status} with no body, got one`]
  if (body === undefined) return [`${operation.operationId} answers ${status} with a JSON body, got none`]
  const validate = validator(described, `${method} ${pathTemplate} ${status}`, schema)
  return validate(body) ? [] : messages(validate.errors)
}

/**
 * What is wrong with a webhook payload by GitHub's description of that event
 * (and of its `action`, when the event has actions): `validateWebhookPayload(
 * 'workflow_run', payload)` holds a `completed` payload to
 * `webhook-workflow-run-completed`. Empty when nothing is.
 */
export function validateWebhookPayload(eventName: string, payload: unknown): string[] {
  const described = webhooks()
  const event = eventName.replaceAll('_', '-')
  const action = (payload as { action?: unknown } | null)?.action
  const key = typeof action === 'string' ? `${event}-${action.replaceAll('_', '-')}` : event
  const webhook = described.document.webhooks?.[key] ?? described.document.webhooks?.[event]
  const schema = (webhook?.post?.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)
    ?.content?.['application/json']?.schema
  if (!schema) return [`GitHub's webhook description has no ${key} payload`]
  const validate = validator(described, key, schema)
  return validate(payload) ? [] : messages(validate.errors)
}
