// How the X publisher survives X's bad moments (SPEC §9): waits for a rate limit's reset when it is
// near, backs off exponentially with jitter on 5xx, timeouts and broken connections, and gives up at
// once on anything a retry cannot change. It remembers whether an attempt may have reached X, so
// that a post is never recorded `failed` when it may in fact be out.

import type { Logger } from "pino";
import { classifyXError, describeFailure, type XFailure } from "./x-errors.js";

export interface RetryPolicy {
  maxAttempts: number;
  maxRateLimitWaitMs: number;
  timeoutMs: number;
  /** The first backoff; each next one doubles. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  random: () => number;
}

/** Reset times have one-second resolution: waiting a little past them avoids a second 429. */
const RESET_MARGIN_MS = 1000;

/** The last failure of a call to X once retrying is over. */
export class XCallError extends Error {
  constructor(
    readonly failure: XFailure,
    /** Some attempt may have reached X and been acted on (timeout, reset, a 5xx other than 503). */
    readonly maybeSent: boolean,
    readonly attempts: number,
    action: string,
    now: Date,
  ) {
    super(describeFailure(failure, action, now));
    this.name = "XCallError";
  }
}

/** Backoff before attempt `attempt + 1`: base × 2^(attempt−1), jittered into its upper half. */
export function backoffMs(attempt: number, baseDelayMs: number, random: () => number): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export async function callX<T>(
  call: () => Promise<T>,
  action: string,
  policy: RetryPolicy,
  logger: Logger,
): Promise<T> {
  let maybeSent = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const failure = classifyXError(err, policy.timeoutMs);
      if (failure === null) throw err;
      if ((failure.kind === "server" || failure.kind === "network") && failure.maybeSent) maybeSent = true;
      const giveUp = (): XCallError => new XCallError(failure, maybeSent, attempt, action, policy.now());
      if (attempt >= policy.maxAttempts) throw giveUp();

      if (failure.kind === "rate-limited") {
        const waitMs = failure.resetAt ? failure.resetAt.getTime() - policy.now().getTime() : null;
        if (waitMs === null || waitMs > policy.maxRateLimitWaitMs) throw giveUp();
        const sleepMs = Math.max(waitMs, 0) + RESET_MARGIN_MS;
        logger.warn(
          { action, attempt, waitMs: sleepMs, resetAt: failure.resetAt?.toISOString() },
          "X rate limit reached; waiting for its reset",
        );
        await policy.sleep(sleepMs);
        continue;
      }
      const retryable = failure.kind === "server" || (failure.kind === "network" && failure.retry);
      if (!retryable) throw giveUp();
      const delayMs = backoffMs(attempt, policy.baseDelayMs, policy.random);
      logger.warn({ action, attempt, delayMs, reason: failure.said }, "X call failed; retrying");
      await policy.sleep(delayMs);
    }
  }
}
