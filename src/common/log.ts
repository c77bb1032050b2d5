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

/** A log whose warnings can carry their reason: the dispatcher's, which fails jobs and must say why. */
export interface ReasonLog extends Log {
  /**
   * `reason`, when given, is why, as an error: the Lambda logs its name,
   * message and cause as fields of the line; a runner titles the annotation
   * with its name and adds its cause chain to the text, as the console does.
   */
  warning(message: string, reason?: Error): void
}

/** A log that also hides a secret from every line written after mask(secret); one way per runtime. */
export interface MaskingLog extends ReasonLog {
  mask(secret: string): void
}
