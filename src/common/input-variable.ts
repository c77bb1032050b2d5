/**
 * The environment variable that carries an input, as @actions/core and the
 * runner name it: upper-cased, spaces to underscores, hyphens kept. Kept apart
 * from inputs.ts so that tools which play the runner can import it without
 * loading @actions/core.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}
