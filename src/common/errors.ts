/** Turns any thrown value into readable text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** "Name: message" for errors whose name says something (API errors, TimeoutError). */
export function namedErrorMessage(error: unknown): string {
  if (!(error instanceof Error) || error.name === 'Error' || error.message.startsWith(error.name))
    return errorMessage(error)
  return `${error.name}: ${error.message}`
}

/** The cause chain of an error as one sentence ("Cause: DispatchError: 403 Forbidden."), or '' without a cause. */
export function causeText(error: Error | undefined): string {
  const causes: string[] = []
  for (let cause: unknown = error?.cause; cause !== undefined && causes.length < 5;) {
    causes.push(cause instanceof Error ? namedErrorMessage(cause) : JSON.stringify(cause))
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return causes.length === 0 ? '' : `Cause: ${causes.join('; its cause: ')}.`
}

/**
 * Thrown when inputs break rules; carries every problem so they are reported
 * at once. `lead` says what happened first, when something did.
 */
export class InputError extends Error {
  override readonly name = 'InputError'

  constructor(
    readonly problems: readonly string[],
    lead = ''
  ) {
    super(
      lead +
        (problems.length === 1
          ? `Invalid input: ${problems[0]}`
          : `${problems.length} invalid inputs:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    )
  }
}
