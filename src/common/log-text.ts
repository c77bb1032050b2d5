/**
 * Text from inputs, events, CodePipeline or GitHub must never start a log
 * line that the runner reads as a workflow command (`::error::`, `::add-mask::`,
 * the legacy `##[...]` form). `core.warning`, `core.error` and `core.debug`
 * escape newlines themselves; `core.info` and the console do not.
 */

// The runner looks at each line with leading whitespace ignored.
const COMMAND_START = /^(\s*)(::|##\[)/gm

/**
 * Makes every line of `message` safe to print: a line that would start with
 * `::` or `##[` gets a visible marker in front, so it shows as plain text.
 */
export function neutralizeCommands(message: string): string {
  return message.replace(COMMAND_START, (_match, space: string, start: string) => `${space}⟦${start}`)
}

/** A foreign value quoted on one line (JSON string syntax): no newline of its own survives. */
export function quoteForLog(value: string): string {
  return JSON.stringify(value)
}
