/**
 * A time budget for a whole piece of work (a report, a dispatch round, a
 * Lambda invocation). Each step asks how much is left and sizes its own
 * timeouts to fit, so the work ends in time however its calls behave.
 */
export class Deadline {
  private readonly end: number

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.end = now() + budgetMs
  }

  remainingMs(): number {
    return Math.max(0, this.end - this.now())
  }

  expired(): boolean {
    return this.remainingMs() === 0
  }

  /** True when at least `ms` remain. */
  covers(ms: number): boolean {
    return this.remainingMs() >= ms
  }

  /** An AbortSignal that fires when the budget runs out (or after `capMs`, if sooner). */
  signal(capMs = Number.POSITIVE_INFINITY): AbortSignal {
    return AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(capMs, this.remainingMs()))))
  }
}
