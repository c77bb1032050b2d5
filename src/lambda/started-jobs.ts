import type { DispatchRound, JobOutcome } from '../dispatch/api.js'
import type { StartedAction } from './event.js'

/** How long after its event a job is looked for. */
export const POLL_WINDOW_MS = 10_000

/** Action executions remembered per warm container; the oldest are forgotten first. */
const REMEMBERED = 1_000

/** What a STARTED event asks of this container. */
export type StartedPlan =
  { readonly kind: 'poll'; readonly windowMs: number } | { readonly kind: 'skip'; readonly reason: string }

/**
 * What one warm container knows about the jobs STARTED events announce, so
 * that a burst of events (duplicates, or more events than containers, queued
 * by the function's reserved concurrency) does not multiply PollForJobs
 * calls. No CodePipeline call tells whether another worker has taken the job
 * of an action execution, so the container goes by what it has seen itself:
 * the jobs it took, and when it last polled and found none. A job is looked
 * for during POLL_WINDOW_MS from its event's time, not from the invocation:
 * an event delivered late (queued behind others) then polls once at most.
 * Whatever this lets pass is still taken by the scheduled sweep.
 */
export class StartedJobs {
  private readonly taken = new Set<string>()
  /** When (epoch ms) the latest poll that handed out no job started. */
  private lastEmptyPoll = Number.NEGATIVE_INFINITY

  constructor(private readonly now: () => number = Date.now) {}

  plan(started: StartedAction): StartedPlan {
    const now = this.now()
    const key = executionKey(started)
    if (key !== undefined && this.taken.has(key)) {
      return { kind: 'skip', reason: 'this container already took the job of this action execution' }
    }
    // An event time ahead of ours (clock skew) counts from now.
    const windowEnd = Math.min(started.emittedAt ?? now, now) + POLL_WINDOW_MS
    if (now >= windowEnd && this.lastEmptyPoll >= windowEnd) {
      return {
        kind: 'skip',
        reason:
          "the job's polling window has closed and a poll since then found no job: another worker took it " +
          '(a job still waiting is taken by the next sweep)'
      }
    }
    return { kind: 'poll', windowMs: Math.max(0, windowEnd - now) }
  }

  /** Whether a round took the job the event names (any job, when the event does not say which). */
  found(started: StartedAction, round: DispatchRound): boolean {
    const key = executionKey(started)
    if (key === undefined) return round.seen > 0
    return round.jobs.some(job => jobKey(job) === key)
  }

  /** Remembers what a round that started polling at `startedAt` (epoch ms) saw. */
  record(round: DispatchRound, startedAt: number): void {
    if (round.seen === 0) this.lastEmptyPoll = Math.max(this.lastEmptyPoll, startedAt)
    for (const job of round.jobs) {
      const key = jobKey(job)
      if (key === undefined) continue
      this.taken.delete(key)
      this.taken.add(key)
      if (this.taken.size > REMEMBERED) this.taken.delete(this.taken.values().next().value ?? key)
    }
  }
}

function executionKey(started: StartedAction): string | undefined {
  return key(started.pipeline, started.executionId, started.stage, started.action)
}

function jobKey(job: JobOutcome): string | undefined {
  return key(job.pipelineName, job.pipelineExecutionId, job.stage, job.action)
}

function key(...parts: (string | undefined)[]): string | undefined {
  return parts.every(p => p !== undefined && p !== '') ? JSON.stringify(parts) : undefined
}
