// How a GitHub runner hands inputs to a JavaScript action and reads its file
// commands back. Shared by `npm start`, the benchmark and the test helper that
// run the bundle as a runner does.

import { inputVariable } from '../src/common/input-variable.js'

// One definition of the variable name, the one the actions themselves use.
export { inputVariable }

/** Inputs by name as the environment variables a runner would set. */
export function inputVariables(inputs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]))
}

/**
 * Parses the runner's file-command format: `name<<DELIMITER\nvalue\nDELIMITER`
 * (what @actions/core writes), plus the legacy single-line `name=value`.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name = '', delimiter = ''] = heredoc
      const end = lines.indexOf(delimiter, i + 1)
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing delimiter ${delimiter} for ${name}`)
      out[name] = lines.slice(i + 1, end).join('\n')
      i = end
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) throw new Error(`GITHUB_OUTPUT: cannot parse line ${JSON.stringify(line)}`)
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}
