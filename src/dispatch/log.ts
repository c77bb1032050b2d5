import { neutralizeCommands } from '../common/log-text.js'

/**
 * Where the dispatcher writes what it does. The action passes @actions/core;
 * a Lambda function can keep the console default.
 */
export interface DispatchLog {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export const consoleLog: DispatchLog = {
  info: message => console.log(message),
  warning: message => console.warn(`Warning: ${message}`),
  debug: () => undefined
}

/**
 * The dispatcher's messages carry text from CodePipeline, GitHub and job
 * configurations. Every message goes through here on its way to the sink, so
 * none of its lines can start a workflow command, whichever level and sink.
 */
export function neutralizedLog(log: DispatchLog): DispatchLog {
  return {
    info: message => log.info(neutralizeCommands(message)),
    warning: message => log.warning(neutralizeCommands(message)),
    debug: message => log.debug(neutralizeCommands(message))
  }
}
