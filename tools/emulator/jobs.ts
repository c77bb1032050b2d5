import { randomBytes, randomUUID } from 'node:crypto'

import { OUTPUT_VARIABLES_MAX_BYTES } from './constraints.js'

/**
 * `Abandoned`: the pipeline execution was stopped and abandoned, or superseded;
 * the job's results then answer InvalidJobStateException like any ended job.
 */
export type JobStatus = 'Queued' | 'Dispatched' | 'InProgress' | 'Succeeded' | 'Failed' | 'TimedOut' | 'Abandoned'

export interface ActionTypeId {
  category: string
  owner: string
  provider: string
  version: string
}

export interface PipelineContext {
  pipelineName: string
  stage: { name: string }
  action: { name: string; actionExecutionId: string }
  pipelineArn: string
  pipelineExecutionId: string
}

export interface ArtifactCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
}

export interface Artifact {
  name: string
  revision?: string
  location: { type: 'S3'; s3Location: { bucketName: string; objectKey: string } }
}

export interface EncryptionKey {
  id: string
  type: 'KMS'
}

export interface JobData {
  actionTypeId: ActionTypeId
  actionConfiguration: { configuration: Record<string, string> }
  pipelineContext: PipelineContext
  inputArtifacts: Artifact[]
  outputArtifacts: Artifact[]
  artifactCredentials: ArtifactCredentials
  continuationToken?: string
  encryptionKey?: EncryptionKey
}

export type JobResult =
  | {
      kind: 'success'
      /** Epoch milliseconds when the result was recorded. */
      at: number
      currentRevision?: unknown
      executionDetails?: unknown
      outputVariables?: Record<string, string>
      continuationToken?: string
      /** The job created to carry continuationToken, if one was given. */
      nextJobId?: string
    }
  | { kind: 'failure'; at: number; failureDetails: unknown }

export interface Job {
  id: string
  nonce: string
  accountId: string
  status: JobStatus
  data: JobData
  result?: JobResult
}

export interface JobInit {
  id?: string
  status?: JobStatus
  actionTypeId?: ActionTypeId
  configuration?: Record<string, string>
  pipelineContext?: Partial<PipelineContext>
  artifactCredentials?: ArtifactCredentials
  continuationToken?: string
  inputArtifacts?: Artifact[]
  outputArtifacts?: Artifact[]
  /**
   * A queued job that PollForJobs hands out only this many ms after it was
   * created: CodePipeline's STARTED event can come before the job is pollable.
   */
  pollableAfterMs?: number
  /** The artifact store's customer key, as GetJobDetails reports it. */
  encryptionKey?: EncryptionKey
}

/** The queued job's source commit unless --source-revision says otherwise: a job handed out by a pipeline carries one. */
export const SAMPLE_SOURCE_REVISION = '9fceb02d0ae598e95dc970b74767f19372d61af8'

/**
 * The input artifact of a queued job, as a pipeline's source action leaves
 * it: its name, the revision it holds and where it is stored.
 */
export function sourceArtifact(revision: string): Artifact {
  return {
    name: 'SourceOutput',
    revision,
    location: {
      type: 'S3',
      s3Location: { bucketName: 'codepipeline-artifacts', objectKey: 'pipeline/SourceOutp/source.zip' }
    }
  }
}

export const DEFAULT_ACTION_TYPE_ID: ActionTypeId = {
  category: 'Build',
  owner: 'Custom',
  provider: 'GitHubActions',
  version: '1'
}

/** A failure the API models, turned into an HTTP 400 with `__type` = name. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError'

  constructor(
    readonly errorName: string,
    message: string
  ) {
    super(message)
  }
}

/**
 * Temporary credentials for one job's artifacts, as CodePipeline hands out:
 * different for every job, so a test can tell which job's key reached S3.
 */
export function issueArtifactCredentials(): ArtifactCredentials {
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `emulator-session-${randomBytes(24).toString('base64')}`
  }
}

function newNonce(): string {
  return String(Math.floor(Math.random() * 1e12))
}

function sameActionType(a: ActionTypeId, b: ActionTypeId): boolean {
  return a.category === b.category && a.owner === b.owner && a.provider === b.provider && a.version === b.version
}

/** Owner/Category/Provider/Version, as the action type's ARN names it (and the bridge's describeActionType). */
export function formatActionType(t: ActionTypeId): string {
  return `${t.owner}/${t.category}/${t.provider}/${t.version}`
}

// Snapshots keep callers from mutating emulator state behind its back.
function snapshot(job: Job): Job {
  return structuredClone(job)
}

export interface JobStoreOptions {
  region: string
  accountId: string
  /** Custom action types that exist from the start (as if created with CreateCustomActionType). */
  actionTypes: readonly ActionTypeId[]
}

/** In-memory job state and the five operations' business rules (input already validated). */
export class JobStore {
  private readonly byId = new Map<string, Job>()
  /** Epoch ms before which a job is not handed out (see JobInit.pollableAfterMs). */
  private readonly pollableAt = new Map<string, number>()
  // The account's custom action types: PollForJobs for any other is ActionTypeNotFoundException.
  private readonly actionTypes = new Map<string, ActionTypeId>()

  constructor(private readonly options: JobStoreOptions) {
    for (const type of options.actionTypes) this.registerActionType(type)
  }

  /** Makes a custom action type known (idempotent). Only owner Custom can be polled for by job workers. */
  registerActionType(type: ActionTypeId): void {
    if (type.owner !== 'Custom') {
      throw new Error(`action type ${formatActionType(type)}: only owner Custom has jobs for workers to poll`)
    }
    this.actionTypes.set(formatActionType(type), { ...type })
  }

  /** The known custom action types, in the order they became known. */
  knownActionTypes(): ActionTypeId[] {
    return [...this.actionTypes.values()].map(t => ({ ...t }))
  }

  create(init: JobInit = {}): Job {
    const id = init.id ?? randomUUID()
    if (this.byId.has(id)) throw new Error(`job ${id} already exists`)
    // A job exists only for an action type that does: creating one makes its type known.
    this.registerActionType(init.actionTypeId ?? DEFAULT_ACTION_TYPE_ID)
    const pipelineName = init.pipelineContext?.pipelineName ?? 'emulated-pipeline'
    const context: PipelineContext = {
      pipelineName,
      stage: init.pipelineContext?.stage ?? { name: 'Build' },
      action: init.pipelineContext?.action ?? { name: 'GitHubActions', actionExecutionId: randomUUID() },
      pipelineArn:
        init.pipelineContext?.pipelineArn ??
        `arn:aws:codepipeline:${this.options.region}:${this.options.accountId}:${pipelineName}`,
      pipelineExecutionId: init.pipelineContext?.pipelineExecutionId ?? randomUUID()
    }
    const job: Job = {
      id,
      nonce: newNonce(),
      accountId: this.options.accountId,
      status: init.status ?? 'InProgress',
      data: {
        actionTypeId: { ...(init.actionTypeId ?? DEFAULT_ACTION_TYPE_ID) },
        actionConfiguration: { configuration: { ...(init.configuration ?? {}) } },
        pipelineContext: context,
        inputArtifacts: init.inputArtifacts ?? [],
        outputArtifacts: init.outputArtifacts ?? [],
        artifactCredentials: init.artifactCredentials ?? issueArtifactCredentials(),
        ...(init.encryptionKey === undefined ? {} : { encryptionKey: { ...init.encryptionKey } }),
        ...(init.continuationToken === undefined ? {} : { continuationToken: init.continuationToken })
      }
    }
    this.byId.set(id, job)
    if (init.pollableAfterMs !== undefined) this.pollableAt.set(id, Date.now() + init.pollableAfterMs)
    return snapshot(job)
  }

  get(id: string): Job | undefined {
    const job = this.byId.get(id)
    return job && snapshot(job)
  }

  all(): Job[] {
    return [...this.byId.values()].map(snapshot)
  }

  clear(): void {
    this.byId.clear()
    this.pollableAt.clear()
    this.actionTypes.clear()
    for (const type of this.options.actionTypes) this.registerActionType(type)
  }

  private find(jobId: string): Job {
    const job = this.byId.get(jobId)
    if (!job) throw new ServiceError('JobNotFoundException', `Job ${jobId} not found.`)
    return job
  }

  private requireInProgress(job: Job): void {
    if (job.status !== 'InProgress') {
      throw new ServiceError(
        'InvalidJobStateException',
        `Job ${job.id} is in state ${job.status}; a result can only be reported for a job in state InProgress.`
      )
    }
  }

  putSuccess(input: {
    jobId: string
    currentRevision?: unknown
    continuationToken?: string
    executionDetails?: unknown
    outputVariables?: Record<string, string>
  }): Record<string, never> {
    if (input.continuationToken !== undefined && input.outputVariables !== undefined) {
      throw new ServiceError(
        'ValidationException',
        'outputVariables: cannot be included when continuationToken is set.'
      )
    }
    if (input.outputVariables) {
      let bytes = 0
      for (const [k, v] of Object.entries(input.outputVariables)) {
        bytes += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8')
      }
      if (bytes > OUTPUT_VARIABLES_MAX_BYTES) {
        throw new ServiceError(
          'OutputVariablesSizeExceededException',
          `Output variables total ${bytes} bytes, over the limit of ${OUTPUT_VARIABLES_MAX_BYTES} bytes.`
        )
      }
    }
    const job = this.find(input.jobId)
    this.requireInProgress(job)

    let nextJobId: string | undefined
    if (input.continuationToken !== undefined) {
      // CodePipeline ends this job and queues a new one that carries the token.
      nextJobId = this.create({
        status: 'Queued',
        actionTypeId: job.data.actionTypeId,
        configuration: job.data.actionConfiguration.configuration,
        pipelineContext: job.data.pipelineContext,
        artifactCredentials: job.data.artifactCredentials,
        inputArtifacts: job.data.inputArtifacts,
        outputArtifacts: job.data.outputArtifacts,
        ...(job.data.encryptionKey === undefined ? {} : { encryptionKey: job.data.encryptionKey }),
        continuationToken: input.continuationToken
      }).id
    }
    job.status = 'Succeeded'
    job.result = {
      kind: 'success',
      at: Date.now(),
      ...(input.currentRevision === undefined ? {} : { currentRevision: input.currentRevision }),
      ...(input.executionDetails === undefined ? {} : { executionDetails: input.executionDetails }),
      ...(input.outputVariables === undefined ? {} : { outputVariables: input.outputVariables }),
      ...(input.continuationToken === undefined ? {} : { continuationToken: input.continuationToken }),
      ...(nextJobId === undefined ? {} : { nextJobId })
    }
    return {}
  }

  /**
   * A test control: the job's execution is stopped and abandoned (or
   * superseded). A job not yet ended ends without a result; one that ended
   * keeps its end.
   */
  abandon(jobId: string): Job {
    const job = this.find(jobId)
    if (job.status === 'Queued' || job.status === 'Dispatched' || job.status === 'InProgress') job.status = 'Abandoned'
    return snapshot(job)
  }

  putFailure(input: { jobId: string; failureDetails: unknown }): Record<string, never> {
    const job = this.find(input.jobId)
    this.requireInProgress(job)
    job.status = 'Failed'
    job.result = { kind: 'failure', at: Date.now(), failureDetails: input.failureDetails }
    return {}
  }

  poll(input: { actionTypeId: ActionTypeId; maxBatchSize?: number; queryParam?: Record<string, string> }): {
    jobs: { id: string; data: JobData; nonce: string; accountId: string }[]
  } {
    // As CodePipeline: polling for a type the account does not have (or one not owned
    // by Custom, which job workers never poll) is an error, not an empty answer.
    if (!this.actionTypes.has(formatActionType(input.actionTypeId))) {
      throw new ServiceError(
        'ActionTypeNotFoundException',
        `The action type ${formatActionType(input.actionTypeId)} does not exist in this account and region.`
      )
    }
    const limit = input.maxBatchSize ?? 1
    const query = Object.entries(input.queryParam ?? {})
    const picked: Job[] = []
    for (const job of this.byId.values()) {
      if (picked.length >= limit) break
      if (job.status !== 'Queued' || !sameActionType(job.data.actionTypeId, input.actionTypeId)) continue
      if ((this.pollableAt.get(job.id) ?? 0) > Date.now()) continue
      const config = job.data.actionConfiguration.configuration
      if (!query.every(([k, v]) => config[k] === v)) continue
      picked.push(job)
    }
    for (const job of picked) {
      job.status = 'Dispatched'
      job.nonce = newNonce()
    }
    return {
      jobs: picked.map(j => ({ id: j.id, data: structuredClone(j.data), nonce: j.nonce, accountId: j.accountId }))
    }
  }

  acknowledge(input: { jobId: string; nonce: string }): { status: 'InProgress' } {
    const job = this.find(input.jobId)
    // The nonce is good for exactly one acknowledgement of one dispatch, which is
    // what keeps two workers racing for a job from both starting it.
    if (job.status !== 'Dispatched' || job.nonce !== input.nonce) {
      throw new ServiceError('InvalidNonceException', `The nonce for job ${job.id} is not valid.`)
    }
    job.status = 'InProgress'
    return { status: 'InProgress' }
  }

  details(input: { jobId: string }): { jobDetails: { id: string; data: JobData; accountId: string } } {
    const job = this.find(input.jobId)
    return { jobDetails: { id: job.id, data: structuredClone(job.data), accountId: job.accountId } }
  }
}
