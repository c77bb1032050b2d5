import * as core from '@actions/core'
import type { MaskingLog } from './log.js'
import { maskSecret } from './secrets.js'

/** The runner's log: @actions/core, and its masker registered line by line (see maskSecret). */
export const runnerLog: MaskingLog = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  mask: secret => maskSecret(secret)
}
