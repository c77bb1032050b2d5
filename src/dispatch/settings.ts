import type { ConnectionSettings } from '../codepipeline/connection.js'
import type { ActionCategory } from '../codepipeline/constraints.js'

/** The custom action type to poll for; its owner is always `Custom`. */
export interface ActionType {
  readonly category: ActionCategory
  readonly provider: string
  readonly version: string
}

/** Where to dispatch a job whose action configuration leaves these out. */
export interface DispatchDefaults {
  readonly repository?: string
  readonly workflow?: string
  readonly ref?: string
}

/**
 * Where the dispatcher's token comes from, so that a refusal names what the
 * reader can change: the action's input, or the Lambda function's secret.
 */
export type CredentialSource =
  | { readonly kind: 'input' }
  | { readonly kind: 'app-secret'; readonly secretId: string }
  | { readonly kind: 'token-secret'; readonly secretId: string }

export interface GitHubSettings {
  readonly token: string
  /** REST API base, e.g. https://api.github.com or https://ghes.example.com/api/v3. */
  readonly apiUrl: string
  /** Web base for links, e.g. https://github.com. */
  readonly serverUrl: string
  /** Where the token comes from, for the advice in failure messages; the action's input when left out. */
  readonly credentialSource?: CredentialSource
}

/** Everything one dispatch round needs, checked and typed. */
export interface DispatchSettings {
  readonly actionType: ActionType
  readonly maxBatchSize: number
  /** The round's time budget (the `timeout-seconds` input), used when the caller gives no deadline. */
  readonly roundBudgetMs: number
  readonly defaults: DispatchDefaults
  readonly github: GitHubSettings
  readonly connection: ConnectionSettings
  /** How the round closes the jobs of dead runs (see reconcile.ts). */
  readonly reconcile: ReconcileTiming
  /**
   * The login the dispatcher's token starts runs as (`bridge-actor`): only
   * runs it started decide jobs (see run-owner.ts). The Lambda function reads
   * its App's bot login from GitHub instead.
   */
  readonly bridgeActor?: string
}

export interface ReconcileTiming {
  /** A run queued (not waiting for reviewers) longer than this is cancelled and its job failed. */
  readonly maxQueueMs: number
  /** How often rounds come: sets the window of ended runs each round examines. */
  readonly sweepPeriodMs: number
}

/** Dispatch settings without the GitHub token, which a Lambda invocation fills in from its secret. */
export type TokenlessDispatchSettings = Omit<DispatchSettings, 'github'> & {
  readonly github: Omit<GitHubSettings, 'token'>
}
