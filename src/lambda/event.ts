import { isRecord } from '../common/guards.js'
import { preview } from '../common/text.js'
import { describeActionType, type TokenlessDispatchSettings } from '../dispatch/api.js'

const CODEPIPELINE_SOURCE = 'aws.codepipeline'
const ACTION_EXECUTION_DETAIL_TYPE = 'CodePipeline Action Execution State Change'
const SCHEDULED_SOURCE = 'aws.events'
const SCHEDULED_DETAIL_TYPE = 'Scheduled Event'
/**
 * What an EventBridge Scheduler schedule (or a person testing the function)
 * sends to ask for a sweep: Scheduler delivers whatever payload it is given.
 */
const SWEEP_PAYLOAD = { sweep: true } as const

/**
 * Action execution states that mean the work is no longer wanted. The
 * CodePipeline user guide's event reference ("Monitoring CodePipeline events",
 * action-level states) lists STARTED, SUCCEEDED, FAILED, ABANDONED (the
 * execution was superseded or stopped and abandoned) and CANCELED (the action
 * was stopped with its execution); the last two end the job without a result.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
const STOPPED_STATES = ['ABANDONED', 'CANCELED'] as const

/** Where a job a STARTED event announces comes from; only used for logs. */
export interface StartedAction {
  readonly pipeline?: string
  readonly executionId?: string
  readonly stage?: string
  readonly action?: string
  /** The event's `time` (when CodePipeline emitted it), epoch ms; undefined when missing or not a date. */
  readonly emittedAt?: number
}

/** What an invocation does with its event. */
export type EventPlan =
  /** A job of our action type has just started: poll (with a short retry window) until it shows. */
  | { readonly kind: 'started'; readonly started: StartedAction }
  /** An action execution of our type was abandoned or cancelled: cancel its run. */
  | {
      readonly kind: 'stopped'
      readonly state: string
      readonly stopped: StartedAction & { readonly executionId: string }
    }
  /** The backstop: one ordinary round. */
  | { readonly kind: 'sweep'; readonly origin: string }
  /** Nothing to do; `reason` is logged. */
  | { readonly kind: 'ignore'; readonly reason: string }

/**
 * Decides from the event alone, before any call, whether there is work. The
 * EventBridge rule already filters on the action type; the handler checks
 * again because `version` cannot be matched there reliably (it arrives as a
 * number or a string) and because anyone allowed to invoke the function can
 * send it anything.
 */
export function classifyEvent(event: unknown, actionType: TokenlessDispatchSettings['actionType']): EventPlan {
  if (!isRecord(event)) return { kind: 'ignore', reason: `the event is not a JSON object (${typeof event})` }
  if (event.sweep === SWEEP_PAYLOAD.sweep) return { kind: 'sweep', origin: 'a sweep request' }
  const source = event.source
  const detailType = event['detail-type']
  if (source === SCHEDULED_SOURCE && detailType === SCHEDULED_DETAIL_TYPE)
    return { kind: 'sweep', origin: 'a scheduled event' }
  if (source !== CODEPIPELINE_SOURCE || detailType !== ACTION_EXECUTION_DETAIL_TYPE) {
    return {
      kind: 'ignore',
      reason: `not a CodePipeline action execution event nor a scheduled event (source ${describe(source)}, detail-type ${describe(detailType)})`
    }
  }
  const detail = isRecord(event.detail) ? event.detail : {}
  const type = isRecord(detail.type) ? detail.type : {}
  const wanted = { owner: 'Custom', ...actionType }
  const got = {
    owner: text(type.owner),
    category: text(type.category),
    provider: text(type.provider),
    version: text(type.version)
  }
  if (Object.entries(wanted).some(([key, value]) => got[key as keyof typeof got] !== value)) {
    return {
      kind: 'ignore',
      reason: `action type ${[got.owner, got.category, got.provider, got.version].map(describe).join('/')} is not ${describeActionType(actionType)}`
    }
  }
  const state = text(detail.state)
  if (STOPPED_STATES.some(s => s === state)) {
    const executionId = text(detail['execution-id'])
    if (executionId === undefined) return { kind: 'ignore', reason: `a ${describe(state)} event without execution-id` }
    return {
      kind: 'stopped',
      state: state ?? '',
      stopped: {
        pipeline: text(detail.pipeline),
        executionId,
        stage: text(detail.stage),
        action: text(detail.action)
      }
    }
  }
  if (state !== 'STARTED') {
    return {
      kind: 'ignore',
      reason: `state ${describe(detail.state)} is neither STARTED nor ${STOPPED_STATES.join(' nor ')}`
    }
  }
  return {
    kind: 'started',
    started: {
      pipeline: text(detail.pipeline),
      executionId: text(detail['execution-id']),
      stage: text(detail.stage),
      action: text(detail.action),
      emittedAt:
        typeof event.time === 'string' && Number.isFinite(Date.parse(event.time)) ? Date.parse(event.time) : undefined
    }
  }
}

/** Strings as they are; numbers (a version sent as 1) as their decimal form; anything else as absent. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A foreign value for a log line, quoted and cut short. */
function describe(value: unknown): string {
  const shown = text(value)
  return shown === undefined ? (value === undefined ? 'missing' : typeof value) : preview(shown, 80)
}
