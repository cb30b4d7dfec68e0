// Reading @atproto/api's failures (errors.ts): which thrown things are the PDS's answers at all, what each
// means for a retry and for a possibly made post, and the one sentence a person reads. The stand-in suites
// reach the common answers; these are the edges a real PDS or a proxy in front of it can produce.

import { describe, expect, it } from "vitest";
import {
  type BlueskyFailure,
  classifyBlueskyError,
  describeFailure,
  InvalidAnswer,
  isSessionRefused,
  LoginFailed,
} from "../../src/publish/bluesky/errors.js";

/** What @atproto/xrpc throws: an Error with the status, `success: false`, the lexicon error and headers. */
function xrpcError(status: number, error: unknown, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { status, success: false, error, ...extra });
}

const classify = (err: unknown) => classifyBlueskyError(err, 10_000);
const NOW = new Date("2026-03-02T12:00:00Z");

describe("what is a PDS's answer", () => {
  it("only an Error with a numeric status and success false; anything else is a bug, rethrown as it is", () => {
    expect(classify({ status: 500, success: false, message: "not an Error" })).toBeNull();
    expect(classify(new Error("no status"))).toBeNull();
    expect(classify(Object.assign(new Error("success unset"), { status: 500 }))).toBeNull();
    expect(
      classify(Object.assign(new Error("status not a number"), { status: "500", success: false })),
    ).toBeNull();
    expect(classify(xrpcError(500, "InternalServerError", "boom"))).toMatchObject({ kind: "server" });
  });

  it("a session is refused on 401 or an expired or invalid token, and never for what is not an answer", () => {
    expect(isSessionRefused(new Error("a bug"))).toBe(false);
    expect(isSessionRefused("not even an Error")).toBe(false);
    expect(isSessionRefused(xrpcError(401, "AuthenticationRequired", "x"))).toBe(true);
    expect(isSessionRefused(xrpcError(400, "ExpiredToken", "x"))).toBe(true);
    expect(isSessionRefused(xrpcError(400, "InvalidToken", "x"))).toBe(true);
    expect(isSessionRefused(xrpcError(400, "InvalidRequest", "x"))).toBe(false);
    expect(classify(xrpcError(400, "InvalidToken", "Token could not be verified"))).toMatchObject({
      kind: "auth",
    });
  });

  it("a 2xx the lexicon refuses, or a getRecord without a cid, is an invalid answer after which the post may exist", () => {
    expect(classify(xrpcError(2, undefined, "Invalid response"))).toEqual({
      kind: "invalid-answer",
      said: "2 Invalid response",
      maybeSent: true,
    });
    expect(classify(new InvalidAnswer("a record without a cid"))).toEqual({
      kind: "invalid-answer",
      said: "a record without a cid",
      maybeSent: true,
    });
  });
});

describe("a failed login", () => {
  it("nothing but the login was sent: the action cannot have been done, even after a 500", () => {
    expect(classify(new LoginFailed(xrpcError(500, "InternalServerError", "boom")))).toEqual({
      kind: "server",
      status: 500,
      said: "500 InternalServerError: boom",
      maybeSent: false,
      loggingIn: true,
    });
    expect(classify(new LoginFailed(xrpcError(429, "RateLimitExceeded", "slow down")))).toMatchObject({
      kind: "rate-limited",
      loggingIn: true,
    });
  });

  it("a bug during the login is not a failure to retry: it surfaces as it is, and says what failed", () => {
    const bug = new LoginFailed(new TypeError("x is undefined"));
    expect(classify(bug)).toBeNull();
    expect(String(bug)).toBe("LoginFailed: the Bluesky login failed");
    expect(String(new InvalidAnswer("no cid"))).toBe("InvalidAnswer: no cid");
  });
});

describe("what the PDS said", () => {
  it.each([
    [
      "the lexicon error and the message",
      "InvalidRequest",
      "Invalid record",
      "400 InvalidRequest: Invalid record",
    ],
    ["a message that only repeats the error", "InvalidRequest", "InvalidRequest", "400 InvalidRequest"],
    ["no lexicon error (a proxy's page)", undefined, "Bad Gateway", "400 Bad Gateway"],
    ["an error that is not a string", { nested: true }, "Upstream failed", "400 Upstream failed"],
    ["whitespace squeezed and trimmed", "", "  Invalid \n\n  record\t", "400 Invalid record"],
    ["nothing at all", undefined, "", "HTTP 400"],
    ["an empty error and message", "", "", "HTTP 400"],
  ])("%s", (_, error, message, said) => {
    expect(classify(xrpcError(400, error, message))).toEqual({ kind: "refused", status: 400, said });
  });

  it("at most 300 characters of it", () => {
    const failure = classify(xrpcError(400, "InvalidRequest", "x".repeat(400)));
    expect(failure?.said).toBe(`400 InvalidRequest: ${"x".repeat(300 - "InvalidRequest: ".length)}`);
  });
});

describe("no answer", () => {
  /** XRPCError(1) → fetch's TypeError → …: `depth` links down to `last`. */
  function chain(depth: number, last: object): Error {
    let cause: unknown = last;
    for (let i = 0; i < depth - 1; i++) cause = Object.assign(new Error(`link ${i}`), { cause });
    return xrpcError(1, undefined, "fetch failed", { cause });
  }
  const timeout = () =>
    Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });

  it("a timeout, however it is wrapped (up to six links), may come after the PDS acted", () => {
    for (const depth of [1, 5]) {
      expect(classify(chain(depth, timeout()))).toEqual({
        kind: "network",
        said: "no answer within 10 s",
        maybeSent: true,
        retry: true,
      });
    }
  });

  it("a chain of causes that ends in null is read to its end", () => {
    const err = xrpcError(1, undefined, "fetch failed", {
      cause: new TypeError("fetch failed", { cause: null }),
    });
    expect(classify(err)).toMatchObject({ kind: "network", maybeSent: true, retry: true });
  });

  it("a chain of causes that loops back is read to its end, not forever", () => {
    const err = xrpcError(1, undefined, "fetch failed");
    const fetchFailed = new TypeError("fetch failed", { cause: err });
    err.cause = fetchFailed;
    expect(classify(err)).toMatchObject({ kind: "network", maybeSent: true, retry: true });
  });
});

describe("a rate limit's reset", () => {
  const limited = (headers: unknown) =>
    classify(xrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded", { headers }));
  const resetAt = (headers: unknown) => (limited(headers) as { resetAt: Date | null }).resetAt;

  it("ratelimit-reset in epoch seconds, whatever its case and spacing", () => {
    expect(limited({ "RateLimit-Reset": " 1772452860 " })).toEqual({
      kind: "rate-limited",
      said: "429 RateLimitExceeded: Rate Limit Exceeded",
      resetAt: new Date(1772452860 * 1000),
    });
  });

  it.each([
    ["no headers", undefined],
    ["null headers", null],
    ["no ratelimit-reset", { "content-type": "application/json" }],
    ["not a number", { "ratelimit-reset": "soon" }],
    ["digits after text", { "ratelimit-reset": "in 1772452860" }],
    ["text after digits", { "ratelimit-reset": "1772452860 s" }],
    ["not a string", { "ratelimit-reset": 1772452860 }],
  ])("unknown with %s", (_, headers) => {
    expect(resetAt(headers)).toBeNull();
  });
});

describe("the sentence a person reads", () => {
  const say = (failure: BlueskyFailure) => describeFailure(failure, "posting", NOW);

  it.each<[BlueskyFailure, string]>([
    [
      { kind: "rate-limited", said: "429 RateLimitExceeded", resetAt: null },
      "Bluesky refused posting: rate limit reached (429 RateLimitExceeded) and gave no reset time.",
    ],
    [
      { kind: "rate-limited", said: "429 RateLimitExceeded", resetAt: new Date(NOW.getTime() + 90_000) },
      "Bluesky refused posting: rate limit reached (429 RateLimitExceeded); it resets at 2026-03-02T12:01:30.000Z, in about 2 min.",
    ],
    [
      { kind: "rate-limited", said: "429 RateLimitExceeded", resetAt: new Date(NOW.getTime() - 90_000) },
      "Bluesky refused posting: rate limit reached (429 RateLimitExceeded); it resets at 2026-03-02T11:58:30.000Z, in about 1 min.",
    ],
    [
      { kind: "server", status: 502, said: "502 Bad Gateway", maybeSent: true },
      "Bluesky failed while posting (502 Bad Gateway).",
    ],
    [
      { kind: "network", said: "no answer within 10 s", maybeSent: true, retry: true },
      "Bluesky did not answer while posting: no answer within 10 s.",
    ],
    [
      { kind: "invalid-answer", said: "2 Invalid response", maybeSent: true },
      "Bluesky's answer to posting was not an AT Protocol answer (2 Invalid response); check that BLUESKY_SERVICE names the account's PDS.",
    ],
    [
      { kind: "auth", said: "401 AuthenticationRequired" },
      "Bluesky refused the login (401 AuthenticationRequired): check BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD (an app password, not the account password).",
    ],
    [
      { kind: "not-found", said: "400 RecordNotFound" },
      "Bluesky found no such record while posting (400 RecordNotFound).",
    ],
    [
      { kind: "refused", status: 400, said: "400 InvalidRequest" },
      "Bluesky refused posting (400 InvalidRequest).",
    ],
  ])("%o", (failure, sentence) => {
    expect(say(failure)).toBe(sentence);
  });

  it("a failed login names the login, not the action", () => {
    expect(say({ kind: "server", status: 500, said: "500", maybeSent: false, loggingIn: true })).toBe(
      "Bluesky failed while logging in (500).",
    );
  });
});
