// The Telegram publisher's requests through the shared retry loop (retry.ts), and the one sentence a
// person reads when retrying is over.
//
// Telegram has no idempotency key and a bot cannot read a channel back, so a send that is repeated after
// it may have arrived can post twice, and nothing can tell afterwards. Hence the rule for the requests
// that send a message: retry only what certainly did not reach Telegram (a refused or unresolved
// connection, a 429, which Telegram answers without acting); anything that may have arrived (a timeout,
// a broken connection, a 5xx, an answer nobody can read) ends the publish at once as uncertain. Reads
// (getMe, getChat, getChatMember) change nothing, so they retry every transient failure.

import type { Api } from "grammy";
import type { Logger } from "pino";
import {
  type GiveUpCause,
  gaveUpSentence,
  logWaits,
  type Next,
  type RetryPolicy,
  withRetries,
} from "../retry.js";
import { type ApiSignal, type TelegramClient, TelegramRequestError } from "./client.js";
import { describeFailure, type TelegramFailure } from "./errors.js";

/** The last failure of a call to Telegram once retrying is over. */
export class TelegramCallError extends Error {
  constructor(
    readonly failure: TelegramFailure,
    /** Some attempt may have reached Telegram and been acted on. */
    readonly maybeSent: boolean,
    readonly attempts: number,
    action: string,
    readonly why: GiveUpCause,
  ) {
    super(gaveUpSentence(describeFailure(failure, action), why));
    // Stryker disable next-line StringLiteral: nothing reads the name; the publisher and doctor tell it by its class
    this.name = "TelegramCallError";
  }
}

interface CallOptions {
  /** What the request does, for sentences: "sending the post", "reading the bot (getMe)". */
  action: string;
  /** The request may post a message: a failure that may have reached Telegram is never retried. */
  sends?: boolean;
  /** The publish's deadline (SPEC §8a); null outside a publish (doctor). */
  deadline?: Date | null;
  /** The lease fence, for the requests that post. */
  before?: () => Promise<void>;
}

export type Call = <T>(fn: (api: Api, signal: ApiSignal) => Promise<T>, options: CallOptions) => Promise<T>;

/** A Call over the client that `client()` gives (created on the first request). */
export function telegramCall(
  client: () => Promise<TelegramClient>,
  policy: RetryPolicy,
  logger: Logger,
): Call {
  return async (fn, options) => {
    const ready = await client();
    return withRetries((timeoutMs) => ready.request(timeoutMs, fn), {
      policy,
      deadline: options.deadline ?? null,
      classify: (err) => (err instanceof TelegramRequestError ? err.failure : null),
      next: (failure) => nextAfter(failure, options.sends === true, policy.now),
      before: options.before,
      onWait: logWaits(logger, "Telegram", options.action),
      gaveUp: (g) => new TelegramCallError(g.failure, g.maybeSent, g.attempts, options.action, g.why),
    });
  };
}

/** How each failure may be followed; `sends`: the request posts a message. */
function nextAfter(failure: TelegramFailure, sends: boolean, now: () => Date): Next {
  switch (failure.kind) {
    case "rate-limited":
      return {
        retry: "after",
        at: failure.retryAfterS === null ? null : new Date(now().getTime() + failure.retryAfterS * 1000),
      };
    case "server":
      if (sends) return { retry: "never", maybeSent: true };
      // Stryker disable next-line StringLiteral: withRetries backs off on any answer but "never" and "after"
      return { retry: "backoff", maybeSent: true };
    case "network":
      if (!failure.retry || (sends && failure.maybeSent))
        return { retry: "never", maybeSent: failure.maybeSent };
      // Stryker disable next-line StringLiteral: withRetries backs off on any answer but "never" and "after"
      return { retry: "backoff", maybeSent: failure.maybeSent };
    default:
      return { retry: "never", maybeSent: false };
  }
}
