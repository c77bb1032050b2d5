import type { Log } from './log.js'
import { neutralizeCommands } from './log-text.js'

/** Something input checking decided that the log should say, without failing the step. */
export interface Note {
  readonly level: 'info' | 'warning' | 'debug'
  readonly message: string
}

/** Notes quote inputs and server answers: no line of theirs may become a workflow command. */
export function emitNotes(notes: readonly Note[], log: Log): void {
  for (const { level, message } of notes) log[level](neutralizeCommands(message))
}
