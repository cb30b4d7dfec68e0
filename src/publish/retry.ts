// How every network adapter survives its network's bad moments (SPEC §9): waits for a rate limit's
// reset when it is near, backs off exponentially with jitter on 5xx, timeouts and broken connections,
// gives up at once on anything a retry cannot change — and never runs past the publish's deadline
// (SPEC §8a), so that a publish always ends well inside the run's lease. It remembers whether an
// attempt may have reached the network, so that a post is never recorded `failed` when it may be out.
// The adapter says what a failure is (classify) and how it may be followed (next); this loop decides.

import { LeaseLostError } from "../errors.js";
import type { Logger } from "../log.js";

export interface RetryPolicy {
  /** Attempts in all (1 = no retry). */
  maxAttempts: number;
  /** A rate limit whose reset is further away than this fails at once. */
  maxRateLimitWaitMs: number;
  /** One request's longest wait for an answer. */
  timeoutMs: number;
  /** The first backoff; each next one doubles. */
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  random: () => number;
}

/** How one failed attempt may be followed, as the network's adapter reads the failure. */
export type Next =
  /** 5xx, a timeout, a broken connection: try again after a backoff. */
  | { retry: "backoff"; maybeSent: boolean }
  /** A rate limit: try again once it resets at `at` (null: the network did not say when). The network took nothing. */
  | { retry: "after"; at: Date | null; maybeSent?: false }
  /** Nothing a retry can change (refused credentials, a bad request). */
  | { retry: "never"; maybeSent: boolean };

/** Why retrying stopped. */
export type GiveUpCause =
  /** The failure cannot be retried. */
  | "final"
  /** Every attempt was used. */
  | "attempts"
  /** The rate limit resets later than the longest allowed wait, or its reset is unknown. */
  | "rate-limit"
  /** The next attempt or wait would run past the publish's deadline. */
  | "deadline";

/** What a call given up says: the failure's own sentence, and when the publish's deadline stopped it, that too. */
export function gaveUpSentence(sentence: string, why: GiveUpCause): string {
  return why === "deadline" ? `${sentence} The publish's time ran out before another attempt.` : sentence;
}

/** The last failure of a call once retrying is over, with what is known of the whole call. */
export interface GaveUp<F> {
  failure: F;
  /** Some attempt may have reached the network and been acted on. */
  maybeSent: boolean;
  attempts: number;
  why: GiveUpCause;
}

export interface Attempts<F> {
  policy: RetryPolicy;
  /** No attempt starts, and no request or wait runs, past this instant; null: no deadline. */
  deadline: Date | null;
  /** The failure in the adapter's terms, or null when `err` is not a network failure (a bug: rethrown). */
  classify: (err: unknown, timeoutMs: number) => F | null;
  next: (failure: F) => Next;
  /** Runs before every attempt; a throw stops the call (the lease fence before a post is created). */
  before?: (() => Promise<void>) | undefined;
  /** The network's own error for a call given up: every network says it in its own words. */
  gaveUp: (gaveUp: GaveUp<F>) => Error;
  /** Told of every wait before a retry, for the logs. */
  onWait?: (wait: { attempt: number; waitMs: number; failure: F; rateLimited: boolean }) => void;
}

/**
 * The log line of every wait before a retry, the same for every network: the rate limit's reset when it
 * is one, else the failure that is being retried.
 */
export function logWaits<F extends { said: string }>(
  logger: Logger,
  network: string,
  action: string,
): NonNullable<Attempts<F>["onWait"]> {
  return ({ attempt, waitMs, failure, rateLimited }) => {
    if (rateLimited) {
      const resetAt = (failure as { resetAt?: Date | null }).resetAt?.toISOString();
      logger.warn(
        { action, attempt, waitMs, resetAt },
        `${network} rate limit reached; waiting for its reset`,
      );
    } else {
      logger.warn(
        { action, attempt, delayMs: waitMs, reason: failure.said },
        `${network} call failed; retrying`,
      );
    }
  };
}

/** Reset times have one-second resolution: waiting a little past them avoids a second 429. */
export const RESET_MARGIN_MS = 1000;
/** An attempt with less time than this left before the deadline is not started. */
export const MIN_ATTEMPT_MS = 1000;

/** Backoff before attempt `attempt + 1`: base × 2^(attempt−1), jittered into its upper half. */
function backoffMs(attempt: number, baseDelayMs: number, random: () => number): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Calls `call` until it succeeds or retrying is over; `call` receives the timeout its request must use
 * (the policy's, shortened to what is left before the deadline). Throws what `gaveUp` makes of the last
 * failure, DeadlinePassed when no attempt could start, or whatever `before` or an unclassified failure
 * throws.
 */
export async function withRetries<T, F>(call: (timeoutMs: number) => Promise<T>, a: Attempts<F>): Promise<T> {
  const { policy } = a;
  let maybeSent = false;
  let last: { failure: F; attempt: number } | null = null;
  const giveUp = ({ failure, attempt }: { failure: F; attempt: number }, why: GiveUpCause): never => {
    throw a.gaveUp({ failure, maybeSent, attempts: attempt, why });
  };
  const left = (): number =>
    a.deadline === null ? Number.POSITIVE_INFINITY : a.deadline.getTime() - policy.now().getTime();

  for (let attempt = 1; ; attempt++) {
    if (left() < MIN_ATTEMPT_MS) {
      if (last === null) throw new DeadlinePassed();
      giveUp(last, "deadline");
    }
    await fenced(a.before, maybeSent);
    const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, left()));
    try {
      return await call(timeoutMs);
    } catch (err) {
      const failure = a.classify(err, timeoutMs);
      if (failure === null) throw err;
      last = { failure, attempt };
      const next = a.next(failure);
      if (next.maybeSent) maybeSent = true;
      if (next.retry === "never") giveUp(last, "final");
      if (attempt >= policy.maxAttempts) giveUp(last, "attempts");

      let waitMs: number;
      if (next.retry === "after") {
        if (next.at === null) giveUp(last, "rate-limit");
        const untilReset = (next.at as Date).getTime() - policy.now().getTime();
        if (untilReset > policy.maxRateLimitWaitMs) giveUp(last, "rate-limit");
        waitMs = Math.max(untilReset, 0) + RESET_MARGIN_MS;
      } else {
        waitMs = backoffMs(attempt, policy.baseDelayMs, policy.random);
      }
      if (waitMs + MIN_ATTEMPT_MS > left()) giveUp(last, "deadline");
      a.onWait?.({ attempt, waitMs, failure, rateLimited: next.retry === "after" });
      await policy.sleep(waitMs);
    }
  }
}

/**
 * Runs the fence before an attempt. When it stops the call after an earlier attempt may have reached
 * the network, the post may exist: the lost lease is reported as uncertain, so the intent stays pending
 * for reconciliation instead of being recorded failed.
 */
async function fenced(before: (() => Promise<void>) | undefined, maybeSent: boolean): Promise<void> {
  try {
    await before?.();
  } catch (err) {
    if (maybeSent && err instanceof LeaseLostError && !err.uncertain) {
      throw new LeaseLostError(
        `${err.message} An earlier attempt may have reached the network: the post stays pending and the next run looks for it.`,
        { uncertain: true },
      );
    }
    throw err;
  }
}

/** The deadline had passed before the first attempt: nothing was sent. */
export class DeadlinePassed extends Error {
  constructor() {
    // Stryker disable next-line StringLiteral: every network catches it by its class and says in its own words that nothing was posted
    super("the publish's time was used up before this request could start");
    // Stryker disable next-line StringLiteral: nothing reads the name; every network tells it by its class
    this.name = "DeadlinePassed";
  }
}

/** A network's request settings, as the configuration gives them (SPEC §9: timeouts, attempts, waits). */
export interface RequestSettings {
  /** Per request. */
  timeoutMs: number;
  /** Attempts in all for 5xx, timeouts and broken connections. */
  maxAttempts: number;
  /** A rate limit whose reset is further away than this fails at once. */
  maxRateLimitWaitMs: number;
}

/** What tests put in place of the real world: a throw-away CA, waits that do not wait, a fixed clock. */
export interface AdapterSeams {
  /** Certificate authorities to trust instead of the system's. */
  ca?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  random?: () => number;
}

const BACKOFF_BASE_MS = 1000;

/** The retry policy of a network from its settings and the seams. */
export function retryPolicy(settings: RequestSettings, seams: AdapterSeams = {}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, settings.maxAttempts),
    maxRateLimitWaitMs: settings.maxRateLimitWaitMs,
    timeoutMs: settings.timeoutMs,
    baseDelayMs: BACKOFF_BASE_MS,
    sleep: seams.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: seams.now ?? (() => new Date()),
    random: seams.random ?? Math.random,
  };
}
