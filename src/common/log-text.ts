/**
 * Text from inputs, events, CodePipeline or GitHub must never become a line
 * that the runner reads as a workflow command. The runner reads each line
 * (split at \r or \n) two ways: as `::command::` after its leading
 * whitespace, and in the legacy form `##[command]` anywhere in the line.
 * `core.warning`, `core.error` and `core.debug` escape newlines themselves
 * and start their line with their own command; `core.info`, the console and
 * stderr do neither.
 */

// Leading whitespace as .NET's TrimStart sees it: JavaScript's \s plus NEL (U+0085).
const COMMAND_START = /^([\s\u0085]*)::/gm
const LEGACY_COMMAND = /##\[/g

/**
 * Makes every line of `message` safe to print: a line that would start with
 * `::` gets a visible marker in front, and `##[` anywhere gets one inside
 * (`##⟦[`), so both show as plain text.
 */
export function neutralizeCommands(message: string): string {
  return message.replace(COMMAND_START, (_match, space: string) => `${space}⟦::`).replace(LEGACY_COMMAND, '##⟦[')
}

/** A foreign value quoted on one line (JSON string syntax): no newline of its own survives, nor a legacy command. */
export function quoteForLog(value: string): string {
  return neutralizeCommands(JSON.stringify(value))
}
