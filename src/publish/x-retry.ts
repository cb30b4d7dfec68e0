// The X publisher's calls through the shared retry loop (retry.ts): which of X's failures may be
// retried and how (x-errors.ts reads them), and the one sentence a person reads when retrying is over.

import type { Logger } from "pino";
import {
  type GiveUpCause,
  gaveUpSentence,
  logWaits,
  type Next,
  type RetryPolicy,
  withRetries,
} from "./retry.js";
import { classifyXError, describeFailure, type XFailure } from "./x-errors.js";

/** The last failure of a call to X once retrying is over. */
export class XCallError extends Error {
  constructor(
    readonly failure: XFailure,
    /** Some attempt may have reached X and been acted on (timeout, reset, a 5xx other than 503). */
    readonly maybeSent: boolean,
    readonly attempts: number,
    action: string,
    now: Date,
    readonly why: GiveUpCause,
  ) {
    super(gaveUpSentence(describeFailure(failure, action, now), why));
    this.name = new.target.name;
  }
}

/** How each of X's failures may be followed. */
function nextAfter(failure: XFailure): Next {
  switch (failure.kind) {
    case "rate-limited":
      return { retry: "after", at: failure.resetAt };
    case "server":
      // Stryker disable next-line StringLiteral: withRetries backs off on any answer that is neither "after" nor "never"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    case "network":
      return failure.retry
        ? // Stryker disable next-line StringLiteral: withRetries backs off on any answer that is neither "after" nor "never"
          { retry: "backoff", maybeSent: failure.maybeSent }
        : { retry: "never", maybeSent: failure.maybeSent };
    default:
      return { retry: "never", maybeSent: false };
  }
}

export interface CallOptions {
  /** The publish's deadline (SPEC §8a); null outside a publish (doctor, reconciliation). */
  deadline?: Date | null;
  /** The lease fence, for the request that creates the post. */
  before?: () => Promise<void>;
}

/** `call` gets the timeout its request must use. Throws XCallError, DeadlinePassed (retry.ts), or a bug as it is. */
export async function callX<T>(
  call: (timeoutMs: number) => Promise<T>,
  action: string,
  policy: RetryPolicy,
  logger: Logger,
  options: CallOptions = {},
): Promise<T> {
  return withRetries(call, {
    policy,
    deadline: options.deadline ?? null,
    classify: classifyXError,
    next: nextAfter,
    before: options.before,
    onWait: logWaits(logger, "X", action),
    gaveUp: (g) => new XCallError(g.failure, g.maybeSent, g.attempts, action, policy.now(), g.why),
  });
}
