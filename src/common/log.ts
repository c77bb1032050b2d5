/**
 * Where a module writes what it does: @actions/core on a runner (runnerLog),
 * LambdaLog in the function, the console for a library user. Callers write
 * plain text; each sink keeps foreign text from becoming a workflow command.
 */
export interface Log {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

/** A log that also hides a secret from every line written after mask(secret); one way per runtime. */
export interface MaskingLog extends Log {
  mask(secret: string): void
}
