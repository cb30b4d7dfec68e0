// The Mastodon publisher (SPEC §9): posts a public status on the account of MASTODON_ACCESS_TOKEN at
// MASTODON_URL through masto (client.ts), replies with `in_reply_to_id` (post.ts), attaches the chart
// with its alt text (media.ts), fits the instance's own length limit (instance.ts), survives the
// instance's bad moments within the publish's deadline and behind the lease fence (call.ts), makes a
// retry return the first status through the intent's Idempotency-Key (key.ts), and finds a dead run's
// status again (reconcile.ts). Never logs a request, a header or the client: they carry the token.

import type { Logger } from "pino";
import type { MastodonSettings } from "../../config.js";
import { CapbotError, EXIT, PublishError } from "../../errors.js";
import { registerSecrets } from "../../secrets.js";
import type { Check } from "../../store/port.js";
import type { Publisher, PublishRequest, PublishResult } from "../port.js";
import { type AdapterSeams, DeadlinePassed, type RetryPolicy, retryPolicy } from "../retry.js";
import { type Action, type Call, caller, MastodonCallError, SCOPES } from "./call.js";
import { createMastodonClient, instanceOrigin, type MastodonClient } from "./client.js";
import type { MastodonFailure } from "./errors.js";
import { textLimitOf } from "./instance.js";
import { uploadChart } from "./media.js";
import { postStatus } from "./post.js";
import { type Account, reconcileIntent } from "./reconcile.js";

/** The Mastodon settings of the configuration, the test seams, and whether the run sends charts. */
export type MastodonOptions = MastodonSettings & AdapterSeams & { chart: boolean };

const ACCOUNT: Action = {
  doing: "reading the account (GET /api/v1/accounts/verify_credentials)",
  scope: "read:accounts",
};

/** The publisher; masto loads on the first request, so a dry run never pays for it. */
export function createMastodonPublisher(options: MastodonOptions, logger: Logger): Publisher {
  // The configuration registers it too; registering here keeps every sentence built below clean even
  // where a caller forgot (registering is additive and idempotent).
  registerSecrets([options.accessToken]);
  let client: Promise<MastodonClient> | null = null;
  const policy = retryPolicy(options, options);
  const call = caller(
    () => {
      client ??= createMastodonClient(options);
      return client;
    },
    policy,
    logger,
  );
  const me = accountOf(call);

  return {
    name: "mastodon",
    textLimit: textLimitOf(call, logger),

    async publish(request: PublishRequest): Promise<PublishResult> {
      try {
        return await publishOnce(call, request, policy, logger);
      } catch (err) {
        if (err instanceof MastodonCallError) throw publishErrorOf(err);
        if (err instanceof DeadlinePassed) {
          throw new PublishError(
            "The publish's time ran out before the post could be sent to Mastodon; nothing was posted.",
          );
        }
        throw err;
      }
    },

    reconcile: (intent) => reconcileIntent(call, me, intent),

    async check(): Promise<Check> {
      const name = "publisher mastodon";
      try {
        const { acct } = await me();
        return { name, ok: true, detail: `Mastodon account @${acct} on ${instanceOrigin(options.url).host}` };
      } catch (err) {
        if (err instanceof MastodonCallError) {
          return { name, ok: false, detail: err.message, fix: fixFor(err.failure), exitCode: EXIT.publish };
        }
        if (err instanceof CapbotError)
          return { name, ok: false, detail: err.message, exitCode: err.exitCode };
        throw err;
      }
    },

    // masto keeps no sockets of its own: Node's fetch pools them and lets an idle process exit.
    async close(): Promise<void> {
      client = null;
    },
  };
}

async function publishOnce(
  call: Call,
  request: PublishRequest,
  policy: RetryPolicy,
  logger: Logger,
): Promise<PublishResult> {
  const warnings: string[] = [];
  const chart = request.chart
    ? await uploadChart(
        call,
        request.chart,
        { deadline: request.deadline, reserveMs: policy.timeoutMs, sleep: policy.sleep, now: policy.now },
        warnings,
        logger,
      )
    : null;
  const { status, media } = await postStatus(call, request, chart, warnings, logger);
  const target = request.inReplyTo?.id ?? null;
  return {
    id: status.id,
    time: policy.now(),
    // What the status really replies to: a thread restart, or a reply an earlier attempt already made.
    inReplyTo: status.inReplyToId,
    threadRestarted: target !== null && status.inReplyToId === null,
    media,
    warnings,
    thread: null,
    url: status.url,
  };
}

/** GET /api/v1/accounts/verify_credentials, asked once per process; a failure is asked again next time. */
function accountOf(call: Call): () => Promise<Account> {
  let account: Promise<Account> | null = null;
  return () => {
    if (account === null) {
      const pending = call(ACCOUNT, (api, meta) => api.v1.accounts.verifyCredentials(undefined, meta)).then(
        parseAccount,
      );
      pending.catch(() => {
        account = null;
      });
      account = pending;
    }
    return account;
  };
}

function parseAccount(data: unknown): Account {
  const a = typeof data === "object" && data !== null ? (data as { id?: unknown; acct?: unknown }) : {};
  if (typeof a.id !== "string" || a.id === "") {
    throw new PublishError(
      "Mastodon answered GET /api/v1/accounts/verify_credentials without an account id.",
    );
  }
  return { id: a.id, acct: typeof a.acct === "string" && a.acct !== "" ? a.acct : a.id };
}

function publishErrorOf(err: MastodonCallError): PublishError {
  const tries = err.attempts > 1 ? ` Gave up after ${err.attempts} attempts.` : "";
  if (err.maybeSent) {
    return new PublishError(
      `${err.message}${tries} The post may have gone out: it stays pending and is looked for on Mastodon at the next run, never posted twice.`,
      { uncertain: true },
    );
  }
  return new PublishError(`${err.message}${tries}`);
}

function fixFor(failure: MastodonFailure): string {
  switch (failure.kind) {
    case "auth":
      return "Check MASTODON_ACCESS_TOKEN (Preferences → Development → the application → Your access token) and MASTODON_URL (the instance the token was made on).";
    case "scope":
      return `Give the application the scopes ${SCOPES} (Preferences → Development), regenerate its access token and set MASTODON_ACCESS_TOKEN to it.`;
    case "network":
    case "not-api":
      return "Check MASTODON_URL (the instance's address, e.g. https://mastodon.social) and that it is reachable from here.";
    case "rate-limited":
      return "Wait for the instance's rate limit to reset, then try again.";
    default:
      return "Try again later; if it persists, check the instance's status page.";
  }
}
