import type { Env } from '../common/env.js'
import { describeActionType } from '../dispatch/api.js'
import { errorMessage } from '../common/errors.js'
import { AppTokens } from './app-token.js'
import { loadLambdaConfig, SECRET_ID_VARIABLE } from './config.js'
import { GitHubTokenSource } from './github-token.js'
import type { Container } from './handler.js'
import { LambdaLog } from './log.js'
import { actionTypeDimension, BridgeMetrics } from './metrics.js'
import { SecretReader } from './secret.js'

/**
 * Cold start: check the environment once and build what warm invocations
 * share (the secret's cache, the token cache). A bad setting is kept as an
 * error for every invocation to report, without any call.
 */
export function initContainer(env: Env): Container {
  const log = new LambdaLog(env)
  let config
  try {
    config = loadLambdaConfig(env)
  } catch (error) {
    const problem = new Error(errorMessage(error))
    log.error(`Configuration: ${problem.message}`)
    return { config: problem, log }
  }
  for (const note of config.notes) log.warning(note)
  const onSecret = (value: string): void => log.mask(value)
  const tokens = new GitHubTokenSource(
    new SecretReader(config.secretId, config.settings.connection, { onSecret }),
    new AppTokens({ apiUrl: config.settings.github.apiUrl, onToken: onSecret })
  )
  log.info(
    `Ready: ${describeActionType(config.settings.actionType)}` +
      ` in ${config.settings.connection.region}, GitHub credentials from ${SECRET_ID_VARIABLE} ${JSON.stringify(config.secretId)}.`
  )
  return { config, log, tokens, metrics: new BridgeMetrics(actionTypeDimension(config.settings.actionType)) }
}
