// The Lambda container host (tools/lambda-host/, shared with `npm run bench`)
// bound to this checkout and the Node the tests run the bundles on.
import {
  startContainer as startHost,
  type ContainerOptions,
  type LambdaContainer
} from '../../tools/lambda-host/host.js'
import { bundleRuntime, repoRoot } from './run-action.js'

export type { Invocation, LambdaContainer } from '../../tools/lambda-host/host.js'

/** Lambda runs Node 22 or 24; the Node 24 the tests use for the actions, else this machine's. */
export const [lambdaNodeLabel, lambdaNode] = bundleRuntime

/** A cold start of this checkout's dist/lambda on the tests' Node. */
export function startCheckoutContainer(options: Omit<ContainerOptions, 'root' | 'node'>): Promise<LambdaContainer> {
  return startHost({ ...options, root: repoRoot, node: lambdaNode })
}
