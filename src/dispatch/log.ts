import { causeText } from '../common/errors.js'
import { neutralizeCommands } from '../common/log-text.js'

import type { ReasonLog } from '../common/log.js'

/** The dispatcher's default log for a library user: the action passes runnerLog, the Lambda its LambdaLog. */
export const consoleLog: ReasonLog = {
  info: message => console.log(message),
  warning: (message, reason) => console.warn(['Warning:', message, causeText(reason)].filter(Boolean).join(' ')),
  debug: () => undefined
}

/**
 * The dispatcher's messages carry text from CodePipeline, GitHub and job
 * configurations. Every message goes through here on its way to the sink, so
 * none of its lines can start a workflow command, whichever level and sink.
 */
export function neutralizedLog(log: ReasonLog): ReasonLog {
  return {
    info: message => log.info(neutralizeCommands(message)),
    warning: (message, reason) => log.warning(neutralizeCommands(message), reason && neutralizedError(reason)),
    debug: message => log.debug(neutralizeCommands(message))
  }
}

/** The error with its name, message and causes' texts kept from starting a workflow command (the runner prints the causes). */
function neutralizedError(error: Error): Error {
  const cause: unknown = error.cause instanceof Error ? neutralizedError(error.cause) : error.cause
  const copy = new Error(neutralizeCommands(error.message), cause === undefined ? undefined : { cause })
  copy.name = neutralizeCommands(error.name)
  if (error.stack !== undefined) copy.stack = error.stack
  return copy
}
