import type { DeserializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types'

/**
 * How one attempt of a call ended, as far as CodePipeline's state goes:
 * - refused: CodePipeline answered and did not act on it (4xx, throttling),
 *   or the request never left (connection refused, DNS failure);
 * - uncertain: the request may have been acted on but no answer came back
 *   (5xx, timeout, connection dropped mid-request);
 * - answered: a success.
 */
export type AttemptOutcome = 'answered' | 'refused' | 'uncertain'

// Errors raised before a single byte reached the service.
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

export function classifyFailure(error: unknown): Exclude<AttemptOutcome, 'answered'> {
  const status = (error as Partial<MetadataBearer> | undefined)?.$metadata?.httpStatusCode
  if (typeof status === 'number') return status >= 500 ? 'uncertain' : 'refused'
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && NEVER_SENT_CODES.has(code) ? 'refused' : 'uncertain'
}

/**
 * Records the outcome of every attempt of one call. Its middleware sits in
 * the deserialize step, inside the SDK's retry loop, so it sees each attempt
 * rather than only the last.
 */
export class AttemptLog {
  private readonly outcomes: AttemptOutcome[] = []

  get attempts(): readonly AttemptOutcome[] {
    return this.outcomes
  }

  /** True when an attempt before the last one may have been acted on by CodePipeline. */
  earlierAttemptMayHaveLanded(): boolean {
    return this.outcomes.slice(0, -1).includes('uncertain')
  }

  // The stack's input and output types vary by command; this middleware only watches.
  attachTo<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>): void {
    const middleware: DeserializeMiddleware<I, O> = next => async args => {
      try {
        const result = await next(args)
        this.outcomes.push('answered')
        return result
      } catch (error) {
        this.outcomes.push(classifyFailure(error))
        throw error
      }
    }
    stack.add(middleware, { step: 'deserialize', priority: 'high', name: 'codepipelineJobWorkerAttemptLog' })
  }
}
