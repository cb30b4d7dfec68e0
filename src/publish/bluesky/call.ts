// The Bluesky publisher's calls through the shared retry loop (../retry.ts): which failures may be
// retried and how (errors.ts reads them), and the one sentence a person reads when retrying is over.

import type { AtpAgent } from "@atproto/api";
import type { Logger } from "pino";
import {
  type GiveUpCause,
  gaveUpSentence,
  logWaits,
  type Next,
  type RetryPolicy,
  withRetries,
} from "../retry.js";
import type { Session } from "./client.js";
import { type BlueskyFailure, classifyBlueskyError, describeFailure } from "./errors.js";

/** The last failure of a call to Bluesky once retrying is over. */
export class BlueskyCallError extends Error {
  constructor(
    readonly failure: BlueskyFailure,
    /** The call creates the post, and some attempt may have reached the PDS and been acted on. */
    readonly maybeSent: boolean,
    readonly attempts: number,
    action: string,
    now: Date,
    why: GiveUpCause,
  ) {
    super(gaveUpSentence(describeFailure(failure, action, now), why));
    this.name = "BlueskyCallError";
  }
}

function nextAfter(failure: BlueskyFailure): Next {
  switch (failure.kind) {
    case "rate-limited":
      return { retry: "after", at: failure.resetAt };
    case "server":
      // 501 (a method the PDS does not implement) will not change.
      if (failure.status === 501) return { retry: "never", maybeSent: false };
      // Stryker disable next-line StringLiteral: withRetries backs off on any `retry` but "never" and "after"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    case "network":
      if (!failure.retry) return { retry: "never", maybeSent: failure.maybeSent };
      // Stryker disable next-line StringLiteral: withRetries backs off on any `retry` but "never" and "after"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    case "invalid-answer":
      return { retry: "never", maybeSent: failure.maybeSent };
    default:
      return { retry: "never", maybeSent: false };
  }
}

export interface CallOptions {
  /** The publish's deadline (SPEC §8a); null outside a publish (doctor, reconciliation). */
  deadline?: Date | null;
  /** The lease fence, for the request that creates the post. */
  before?: () => Promise<void>;
  /** The call creates the post: only then can a failure leave it maybe sent. */
  creates?: boolean;
}

/** A call to the PDS as the publisher makes it: `fn` runs with the logged-in agent, retried as `callBluesky` says. */
export type Call = <T>(
  action: string,
  fn: (agent: AtpAgent, session: Session) => Promise<T>,
  options?: CallOptions,
) => Promise<T>;

/** `call` gets the timeout its attempt must keep. Throws BlueskyCallError, DeadlinePassed, or a bug as it is. */
export async function callBluesky<T>(
  call: (timeoutMs: number) => Promise<T>,
  action: string,
  policy: RetryPolicy,
  logger: Logger,
  options: CallOptions = {},
): Promise<T> {
  return withRetries(call, {
    policy,
    deadline: options.deadline ?? null,
    classify: classifyBlueskyError,
    next: nextAfter,
    before: options.before,
    onWait: logWaits(logger, "Bluesky", action),
    gaveUp: (g) =>
      new BlueskyCallError(
        g.failure,
        options.creates === true && g.maybeSent,
        g.attempts,
        action,
        policy.now(),
        g.why,
      ),
  });
}
