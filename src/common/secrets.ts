import * as core from '@actions/core'

/**
 * Registers a secret with the runner's log masker. The masker hides a value
 * only where it appears whole, and the log is masked line by line, so a
 * multi-line value is registered line by line as well.
 */
export function maskSecret(value: string, mask: (secret: string) => void = core.setSecret): void {
  for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') mask(line)
}
