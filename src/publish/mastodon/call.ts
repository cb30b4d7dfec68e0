// The Mastodon publisher's calls through the shared retry loop (retry.ts): which of Mastodon's failures
// may be retried and how (errors.ts reads them), and the one sentence a person reads when retrying is
// over — naming the setting or the token's scope to change when that is what it takes.

import type { Logger } from "pino";
import {
  type GiveUpCause,
  gaveUpSentence,
  logWaits,
  type Next,
  type RetryPolicy,
  withRetries,
} from "../retry.js";
import { type MastoClient, type MastodonClient, type RequestMeta, requestMeta } from "./client.js";
import { classifyMastodonError, type MastodonFailure } from "./errors.js";

/** The scopes capbot's access token needs: posting, the chart, the account, and looking back (reconcile). */
export const SCOPES = "write:statuses write:media read:accounts read:statuses";

/** What a call does, for sentences ("posting"), and the token scope it needs (none: public). */
export interface Action {
  doing: string;
  scope?: string;
}

interface CallOptions {
  /** The publish's deadline (SPEC §8a); null outside a publish (doctor, reconciliation, the text limit). */
  deadline?: Date | null;
  /** The lease fence, for the request that creates the post. */
  before?: () => Promise<void>;
  /** Extra request headers (the Idempotency-Key). */
  headers?: Record<string, string>;
  /** Attempts in all, when fewer than the policy's (a question whose answer has a default). */
  maxAttempts?: number;
}

export type Call = <T>(
  action: Action,
  fn: (api: MastoClient, meta: RequestMeta) => Promise<T>,
  options?: CallOptions,
) => Promise<T>;

/** The last failure of a call to Mastodon once retrying is over. */
export class MastodonCallError extends Error {
  constructor(
    readonly failure: MastodonFailure,
    /** Some attempt may have reached the instance and been acted on. */
    readonly maybeSent: boolean,
    readonly attempts: number,
    private readonly action: Action,
    private readonly host: string,
    private readonly at: Date,
    private readonly why: GiveUpCause,
  ) {
    super(gaveUpSentence(describeFailure(failure, action, host, at), why));
    this.name = "MastodonCallError";
  }

  /** The same failure, after an earlier call for the same status went unanswered. */
  afterUnanswered(): MastodonCallError {
    return new MastodonCallError(
      this.failure,
      true,
      this.attempts,
      this.action,
      this.host,
      this.at,
      this.why,
    );
  }
}

function nextAfter(failure: MastodonFailure): Next {
  switch (failure.kind) {
    case "rate-limited":
      return { retry: "after", at: failure.resetAt };
    case "server":
      // Stryker disable next-line StringLiteral: withRetries backs off on any `retry` but "never" and "after"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    case "not-api":
      // The status is unknown: a gateway timeout may come after the instance acted.
      // Stryker disable next-line StringLiteral: withRetries backs off on any `retry` but "never" and "after"
      return { retry: "backoff", maybeSent: true };
    case "network":
      if (!failure.retry) return { retry: "never", maybeSent: failure.maybeSent };
      // Stryker disable next-line StringLiteral: withRetries backs off on any `retry` but "never" and "after"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    default:
      return { retry: "never", maybeSent: false };
  }
}

/** A `Call` on the (lazily made) client: retries within the policy, throws MastodonCallError. */
export function caller(client: () => Promise<MastodonClient>, policy: RetryPolicy, logger: Logger): Call {
  return async (action, fn, options = {}) => {
    const { api, host } = await client();
    return withRetries((ms) => fn(api, requestMeta(ms, options.headers)), {
      policy:
        options.maxAttempts === undefined
          ? policy
          : { ...policy, maxAttempts: Math.min(policy.maxAttempts, options.maxAttempts) },
      deadline: options.deadline ?? null,
      classify: classifyMastodonError,
      next: nextAfter,
      before: options.before,
      onWait: logWaits(logger, "Mastodon", action.doing),
      gaveUp: (g) =>
        new MastodonCallError(g.failure, g.maybeSent, g.attempts, action, host, policy.now(), g.why),
    });
  };
}

/** One sentence for a person: what the instance said and what to do about it. */
function describeFailure(failure: MastodonFailure, action: Action, host: string, now: Date): string {
  const who = `Mastodon (${host})`;
  switch (failure.kind) {
    case "rate-limited": {
      if (!failure.resetAt)
        return `${who} refused ${action.doing}: rate limit reached (${failure.said}) and gave no reset time.`;
      const minutes = Math.max(1, Math.ceil((failure.resetAt.getTime() - now.getTime()) / 60_000));
      return `${who} refused ${action.doing}: rate limit reached (${failure.said}); it resets at ${failure.resetAt.toISOString()}, in about ${minutes} min.`;
    }
    case "server":
      return `${who} failed while ${action.doing} (${failure.said}).`;
    case "not-api":
      return `${who} did not answer ${action.doing} as its API does: ${failure.said}. Check MASTODON_URL and the instance's status.`;
    case "network":
      return `${who} did not answer while ${action.doing}: ${failure.said}.`;
    case "auth":
      return `${who} refused the access token (${failure.said}). Check MASTODON_ACCESS_TOKEN (Preferences → Development → the application → Your access token) and that MASTODON_URL is the instance it was made on.`;
    case "scope":
      return `${who} refused ${action.doing} (${failure.said}): the access token lacks the ${action.scope ?? "needed"} scope. Give the application the scopes ${SCOPES}, then set MASTODON_ACCESS_TOKEN to its regenerated token.`;
    case "refused":
      return `${who} refused ${action.doing} (${failure.said}).`;
  }
}
