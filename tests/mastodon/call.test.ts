// Mastodon's calls through the retry loop (call.ts), with masto's failures thrown directly: which are
// tried again, and the sentence the operator reads once retrying is over (the log line, the error, the
// setting or scope to change). The stand-in suites reach the common cases over HTTPS.

import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import { type Action, caller, MastodonCallError } from "../../src/publish/mastodon/call.js";
import type { MastoClient } from "../../src/publish/mastodon/client.js";
import { INSTANT_POLICY } from "../publish/harness.js";

const POSTING: Action = { doing: "posting", scope: "write:statuses" };
const policy = INSTANT_POLICY;

const httpError = (statusCode: number, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name: "MastoHttpError", statusCode, ...extra });
const fetchFailed = (code: string) => new TypeError("fetch failed", { cause: { code } });

/** A call that always throws `err`: what the caller threw, how often it was called, what it logged. */
async function failingWith(err: unknown, action: Action = POSTING) {
  const warnings: string[] = [];
  const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  const call = caller(async () => ({ api: {} as MastoClient, host: "mastodon.example" }), policy, logger);
  let calls = 0;
  const thrown = await call(action, async () => {
    calls++;
    throw err;
  }).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(MastodonCallError);
  return { error: thrown as MastodonCallError, calls, warnings };
}

describe("what is tried again (SPEC §8a)", () => {
  it("a 5xx is tried again, and the operator reads why in the log", async () => {
    const { error, calls, warnings } = await failingWith(httpError(502, "Bad Gateway"));
    expect(calls).toBe(3);
    expect(error.maybeSent).toBe(true);
    expect(warnings).toEqual(["Mastodon call failed; retrying", "Mastodon call failed; retrying"]);
  });

  it("a connection that never reached the instance is tried again; an untrusted certificate is not", async () => {
    expect((await failingWith(fetchFailed("ECONNREFUSED"))).calls).toBe(3);
    const tls = await failingWith(fetchFailed("CERT_HAS_EXPIRED"));
    expect(tls.calls).toBe(1);
    expect(tls.error.maybeSent).toBe(false);
  });
});

describe("the error a person reads", () => {
  const sentence = async (err: unknown, action?: Action) => String((await failingWith(err, action)).error);

  it.each([
    [
      "a rate limit without a reset",
      httpError(429, "Too many requests"),
      "MastodonCallError: Mastodon (mastodon.example) refused posting: rate limit reached (429 Too many requests) and gave no reset time.",
    ],
    [
      "a rate limit that resets too late to wait for",
      httpError(429, "Too many requests", {
        cause: { headers: new Headers({ "x-ratelimit-reset": "2026-03-02T12:01:30.000Z" }) },
      }),
      "MastodonCallError: Mastodon (mastodon.example) refused posting: rate limit reached (429 Too many requests); it resets at 2026-03-02T12:01:30.000Z, in about 2 min.",
    ],
    [
      "a server's failure",
      httpError(500, "Internal error"),
      "MastodonCallError: Mastodon (mastodon.example) failed while posting (500 Internal error).",
    ],
    [
      "no answer",
      fetchFailed("CERT_HAS_EXPIRED"),
      "MastodonCallError: Mastodon (mastodon.example) did not answer while posting: its TLS certificate was not trusted (CERT_HAS_EXPIRED).",
    ],
  ])("%s", async (_, err, expected) => {
    expect(await sentence(err)).toBe(expected);
  });

  it("a missing scope names the action's scope, or says a needed one when the action has none", async () => {
    const scope = httpError(403, "This action is outside the authorized scopes");
    expect(await sentence(scope)).toContain("the access token lacks the write:statuses scope.");
    expect(await sentence(scope, { doing: "reading" })).toContain("the access token lacks the needed scope.");
  });

  it("a failure that is final does not say the publish's time ran out, nor after an unanswered call", async () => {
    const { error } = await failingWith(httpError(422, "Validation failed"));
    expect(error.message).not.toContain("time ran out");
    expect(error.afterUnanswered().message).toBe(error.message);
    expect(error.afterUnanswered().maybeSent).toBe(true);
  });
});
