import pkg from '../../package.json' with { type: 'json' }

/** The user-agent pair that names this action and its version in CodePipeline's logs. */
export const USER_AGENT: [string, string] = [pkg.name, pkg.version]
