// The Bluesky publisher (SPEC §9): posts `app.bsky.feed.post` records through the account's PDS with an
// app password (client.ts: one session per process), continues threads by root and parent (thread.ts),
// embeds the chart with its alt text (media.ts), creates each post exactly once under a record key
// derived from the intent (post.ts, record-key.ts), and finds a dead run's post under that key again
// (reconcile.ts). Never logs a request, a header or the agent: they carry the session's tokens.

import type { Logger } from "pino";
import type { BlueskySettings } from "../../config.js";
import type { TextLimit } from "../../core/limits.js";
import { EXIT } from "../../errors.js";
import type { Check } from "../../store/port.js";
import type { Publisher } from "../port.js";
import { type AdapterSeams, retryPolicy } from "../retry.js";
import { BlueskyCallError, type Call, callBluesky } from "./call.js";
import { createBlueskyClient } from "./client.js";
import { type BlueskyFailure, SETTINGS_OF_LOGIN } from "./errors.js";
import { publishOnBluesky } from "./publish.js";
import { reconcileOnBluesky } from "./reconcile.js";

/** The Bluesky settings of the configuration, the test seams, and whether the run sends charts. */
export type BlueskyOptions = BlueskySettings & AdapterSeams & { chart: boolean };

/** SPEC §6: the post lexicon's `maxGraphemes` for `text`. */
const BLUESKY_TEXT_LIMIT: TextLimit = { kind: "graphemes", max: 300 };

const CHECK_NAME = "publisher bluesky";

/** The publisher; @atproto/api loads on the first request, so a dry run never pays for it. */
export function createBlueskyPublisher(options: BlueskyOptions, logger: Logger): Publisher {
  const client = createBlueskyClient(options);
  const policy = retryPolicy(options, options);
  const call: Call = (action, fn, callOptions = {}) =>
    callBluesky((ms) => client.request(ms, fn), action, policy, logger, callOptions);

  return {
    name: "bluesky",
    // The limit is the same with or without a chart (options.chart matters to Telegram only).
    textLimit: async () => BLUESKY_TEXT_LIMIT,
    publish: (request) => publishOnBluesky(call, request, logger, policy.now),
    reconcile: (intent) => reconcileOnBluesky(call, intent),

    async check(): Promise<Check> {
      try {
        const { data } = await call("reading the session (com.atproto.server.getSession)", (agent) =>
          agent.com.atproto.server.getSession(),
        );
        const pds = client.pds();
        const where = `${new URL(options.service).host}${pds ? ` (PDS ${pds.host})` : ""}`;
        return {
          name: CHECK_NAME,
          ok: true,
          detail: `Bluesky account @${data.handle} (${data.did}) on ${where}`,
        };
      } catch (err) {
        if (err instanceof BlueskyCallError) {
          return {
            name: CHECK_NAME,
            ok: false,
            detail: err.message,
            fix: fixFor(err.failure),
            exitCode: EXIT.publish,
          };
        }
        throw err;
      }
    },

    async close(): Promise<void> {
      client.close();
    },
  };
}

function fixFor(failure: BlueskyFailure): string {
  switch (failure.kind) {
    case "auth":
      return `Check ${SETTINGS_OF_LOGIN}: the handle (or DID) of the account, and an app password made in bsky.app → Settings → Privacy and security → App passwords.`;
    case "network":
    case "invalid-answer":
      return "Check that BLUESKY_SERVICE names the account's PDS (https://bsky.social for most accounts) and that it is reachable from here.";
    case "rate-limited":
      return "Wait for the rate limit to reset (a PDS allows about 30 logins in 5 minutes), then try again.";
    default:
      return "Try again later; if it persists, check Bluesky's status page.";
  }
}
