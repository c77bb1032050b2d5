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
