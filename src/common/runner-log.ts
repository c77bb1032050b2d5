import * as core from '@actions/core'
import type { MaskingLog } from './log.js'
import { causeText } from './errors.js'
import { maskSecret } from './secrets.js'

/** The runner's log: @actions/core, and its masker registered line by line (see maskSecret). */
export const runnerLog: MaskingLog = {
  info: message => core.info(message),
  // The reason's name titles the annotation; its cause chain follows the message.
  warning: (message, reason) =>
    reason === undefined
      ? core.warning(message)
      : core.warning([message, causeText(reason)].filter(Boolean).join(' '), { title: reason.name }),
  debug: message => core.debug(message),
  mask: secret => maskSecret(secret)
}
