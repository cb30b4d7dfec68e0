// The Telegram call's account of a read given up (call.ts): reads retry what may have reached Telegram,
// since they change nothing, but the error still says that they may have — it never claims a request
// certainly did not arrive when it could have. In-process, over a client that only fails.

import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { retryPolicy } from "../../src/publish/retry.js";
import { TelegramCallError, telegramCall } from "../../src/publish/telegram/call.js";
import { type TelegramClient, TelegramRequestError } from "../../src/publish/telegram/client.js";
import type { TelegramFailure } from "../../src/publish/telegram/errors.js";
import { runawayFence } from "../publish/runaway.js";

/** A Call whose every request fails with `failure`, and the number of requests it made. */
function failingCall(failure: TelegramFailure) {
  const made = { requests: 0 };
  const client: TelegramClient = {
    request: async () => {
      made.requests += 1;
      throw new TelegramRequestError(failure);
    },
    close: () => undefined,
  };
  const policy = retryPolicy(
    { timeoutMs: 15_000, maxAttempts: 3, maxRateLimitWaitMs: 60_000 },
    { sleep: async () => undefined, now: () => new Date("2026-03-02T12:00:00Z"), random: () => 0.5 },
  );
  return { call: telegramCall(async () => client, policy, pino({ level: "silent" })), made };
}

describe("a read given up", () => {
  it.each([
    [{ kind: "network", said: "the connection broke (ECONNRESET)", maybeSent: true, retry: true }, true],
    [
      { kind: "network", said: "it could not be reached (ECONNREFUSED)", maybeSent: false, retry: true },
      false,
    ],
    [{ kind: "server", said: "500 Internal Server Error" }, true],
  ] as [TelegramFailure, boolean][])(
    "after %o, retried, says whether it may have arrived",
    async (failure, maybeSent) => {
      const { call, made } = failingCall(failure);
      const err = await call(async () => "never", {
        action: "reading the bot (getMe)",
        before: runawayFence(),
      }).catch((e) => e);

      expect(err).toBeInstanceOf(TelegramCallError);
      expect(err).toMatchObject({ failure, maybeSent, attempts: 3, why: "attempts" });
      expect(made.requests).toBe(3);
    },
  );
});
