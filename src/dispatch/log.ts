import { neutralizeCommands } from '../common/log-text.js'

import type { Log } from '../common/log.js'

/** The dispatcher's default log for a library user: the action passes runnerLog, the Lambda its LambdaLog. */
export const consoleLog: Log = {
  info: message => console.log(message),
  warning: message => console.warn(`Warning: ${message}`),
  debug: () => undefined
}

/**
 * The dispatcher's messages carry text from CodePipeline, GitHub and job
 * configurations. Every message goes through here on its way to the sink, so
 * none of its lines can start a workflow command, whichever level and sink.
 */
export function neutralizedLog(log: Log): Log {
  return {
    info: message => log.info(neutralizeCommands(message)),
    warning: message => log.warning(neutralizeCommands(message)),
    debug: message => log.debug(neutralizeCommands(message))
  }
}
