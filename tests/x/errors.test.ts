// Reading X's failures (x-errors.ts) from the errors twitter-api-v2 itself throws: what each answer
// means for a retry, an uncertain outcome or a restarted thread, and the sentence a person reads. The
// stand-in tests (publish.test.ts) show the same cases end to end; these pin every branch, fast.

import type { ClientRequest, IncomingMessage } from "node:http";
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from "twitter-api-v2";
import { describe, expect, it } from "vitest";
import { classifyXError, dailyLimits, describeFailure, rateLimitReset } from "../../src/publish/x-errors.js";
import { NOW } from "../publish/harness.js";
import { type Reply, X_ANSWERS } from "./stand-in.js";

const request = {} as ClientRequest;

/** What twitter-api-v2 throws for an HTTP error answer. */
function answer(code: number, data: unknown, headers: Record<string, string> = {}): ApiResponseError {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: data as never,
    headers,
    request,
    response: {} as IncomingMessage,
  });
}

/** A stand-in answer as twitter-api-v2 would throw it. */
function thrown(reply: Reply): ApiResponseError {
  if (!("status" in reply)) throw new Error("an echoing proxy is not one of X's answers");
  return answer(reply.status, reply.body, reply.headers);
}

/** What twitter-api-v2 throws when the request got no answer at all. */
function requestFailed(error: Error | undefined): ApiRequestError {
  return new ApiRequestError("Request failed.", { request, error: error as Error });
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const classify = (err: unknown) => classifyXError(err, 200);
const problem = (status: number, detail: string, type = "about:blank") => ({
  title: "Forbidden",
  detail,
  type,
  status,
});
const seconds = (d: Date) => String(d.getTime() / 1000);

describe("X's answers (SPEC §9)", () => {
  it.each([
    [503, { kind: "server", status: 503, maybeSent: false }],
    [500, { kind: "server", status: 500, maybeSent: true }],
    [502, { kind: "server", status: 502, maybeSent: true }],
  ])("a %i is X's failure; only 503 says X did not take the request", (status, expected) => {
    expect(classify(answer(status, { title: "Oops", status }))).toEqual({
      ...expected,
      said: `${status} Oops`,
    });
  });

  it("401: the keys are wrong", () => {
    expect(classify(thrown(X_ANSWERS.unauthorized))).toEqual({
      kind: "auth",
      status: 401,
      said: "401 Unauthorized",
      permission: false,
    });
  });

  it("403 duplicate content is a duplicate; the same words on a 400 are only a refusal", () => {
    expect(classify(thrown(X_ANSWERS.duplicate))).toMatchObject({ kind: "duplicate" });
    expect(classify(answer(400, { detail: "duplicate content" }))).toMatchObject({ kind: "refused" });
  });

  it("403 without write permission, by X's words or by the problem's type alone", () => {
    expect(classify(thrown(X_ANSWERS.noWritePermission))).toMatchObject({ kind: "auth", permission: true });
    const byType = answer(403, {
      title: "Forbidden",
      type: "https://api.twitter.com/2/problems/oauth1-permissions",
    });
    expect(classify(byType)).toEqual({
      kind: "auth",
      status: 403,
      said: "403 Forbidden",
      permission: true,
    });
  });

  it("the reply target is gone: 403 'deleted or not visible', or a 400 refusing reply.in_reply_to_tweet_id", () => {
    expect(classify(thrown(X_ANSWERS.replyTargetGone))).toMatchObject({ kind: "reply-target-gone" });
    const invalidTarget = answer(400, {
      title: "Invalid Request",
      detail: "One or more parameters to your request was invalid.",
      errors: [
        { message: "Text is too long", parameters: { text: ["…"] } },
        {
          message: "The `reply.in_reply_to_tweet_id` query parameter value [1] is not valid",
          parameters: { "reply.in_reply_to_tweet_id": ["1"] },
        },
      ],
    });
    expect(classify(invalidTarget)).toMatchObject({ kind: "reply-target-gone" });
  });

  it("other refusals are refusals: no thread restart, no change of keys", () => {
    const replyRestricted = problem(
      403,
      "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.",
    );
    expect(classify(answer(403, replyRestricted))).toMatchObject({ kind: "refused", status: 403 });
    const otherParameter = {
      title: "Invalid Request",
      errors: [null, { message: "no parameter named" }, { message: "bad text", parameters: { text: ["…"] } }],
    };
    expect(classify(answer(400, otherParameter))).toMatchObject({ kind: "refused", status: 400 });
    expect(classify(answer(400, { title: "Invalid Request" }))).toMatchObject({ kind: "refused" });
    // Only a 403 is about the keys' permissions (401 is the keys themselves).
    const permissionWords = { detail: "You are not permitted to perform this action." };
    expect(classify(answer(400, permissionWords))).toMatchObject({ kind: "refused", status: 400 });
    // A 404 is the wrong address, whatever it says about a reply.
    const notFound = {
      detail: "The replied to post was not found",
      errors: [{ message: "?", parameters: { "reply.in_reply_to_tweet_id": ["1"] } }],
    };
    expect(classify(answer(404, notFound))).toMatchObject({ kind: "refused", status: 404 });
    expect(classify(answer(403, undefined))).toEqual({ kind: "refused", status: 403, said: "HTTP 403" });
  });

  it("429 waits for the reset X gave", () => {
    const reset = new Date(NOW.getTime() + 30_000);
    expect(classify(thrown(X_ANSWERS.tooManyRequests(reset.getTime() / 1000)))).toEqual({
      kind: "rate-limited",
      said: "429 Too Many Requests",
      resetAt: reset,
    });
    expect(classify(answer(429, undefined))).toMatchObject({ resetAt: null });
  });
});

describe("no usable answer (SPEC §8)", () => {
  it("refused: not sent, may be retried", () => {
    expect(classify(requestFailed(withCode("connect ECONNREFUSED 127.0.0.1:443", "ECONNREFUSED")))).toEqual({
      kind: "network",
      said: "it could not be reached (ECONNREFUSED)",
      maybeSent: false,
      retry: true,
    });
  });

  it("reset or closed without a word: may have been sent", () => {
    expect(classify(requestFailed(withCode("socket hang up", "ECONNRESET")))).toEqual({
      kind: "network",
      said: "the connection broke (ECONNRESET)",
      maybeSent: true,
      retry: true,
    });
    expect(classify(requestFailed(undefined))).toMatchObject({
      said: "the connection broke (connection closed)",
      maybeSent: true,
    });
  });

  it("twitter-api-v2's own timeout says how long it waited", () => {
    expect(classify(requestFailed(new Error("Request timeout.")))).toEqual({
      kind: "network",
      said: "no answer within 0.2 s",
      maybeSent: true,
      retry: true,
    });
  });

  it("an untrusted certificate is not retried", () => {
    const err = requestFailed(withCode("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"));
    expect(classify(err)).toMatchObject({ maybeSent: false, retry: false });
  });

  it("a request error shaped as the library's types declare it (requestError set) is read the same", () => {
    const declared = {
      type: "request",
      error: true,
      requestError: withCode("connect ECONNREFUSED", "ECONNREFUSED"),
    };
    expect(classify(declared)).toMatchObject({ said: "it could not be reached (ECONNREFUSED)" });
  });

  it("an answer cut off halfway may have been acted on", () => {
    const cut = new ApiPartialResponseError(
      "Request failed with partial response with HTTP code 201 (connection abruptly closed)",
      { request, response: {} as IncomingMessage, responseError: new Error("aborted"), rawContent: '{"da' },
    );
    expect(classify(cut)).toEqual({
      kind: "network",
      said: "the answer was cut off",
      maybeSent: true,
      retry: true,
    });
  });

  it("anything else is a bug, not X's failure: null, to be rethrown as it is", () => {
    for (const err of [null, undefined, "boom", 42, new Error("bug"), { type: "other" }]) {
      expect(classify(err)).toBeNull();
    }
  });
});

describe("what X said, in one line", () => {
  const said = (data: unknown) => (classify(answer(400, data)) as { said: string }).said;

  it("no words: the status alone", () => {
    expect(said(undefined)).toBe("HTTP 400");
    expect(said(null)).toBe("HTTP 400");
    expect(said("<html><body>Bad Request</body></html>")).toBe("HTTP 400");
    expect(said({ detail: " \n " })).toBe("HTTP 400");
  });

  it("the detail, else the title, then each error's message once", () => {
    expect(said({ title: "Invalid Request" })).toBe("400 Invalid Request");
    expect(said({ title: "Invalid Request", detail: "bad" })).toBe("400 bad");
    expect(
      said({ errors: [{ message: "a" }, null, "junk", { message: 5 }, { code: 88 }, { message: "b" }] }),
    ).toBe("400 a; b");
    expect(said({ detail: "a", errors: [{ message: "a" }, { message: "b" }] })).toBe("400 a; b");
  });

  it("white space is folded and the words are cut at 300 characters", () => {
    expect(said({ detail: "  Over\n\n capacity\t " })).toBe("400 Over capacity");
    expect(said({ detail: "x".repeat(400) })).toBe(`400 ${"x".repeat(300)}`);
  });
});

describe("rate limits (issue 4 §4)", () => {
  const at = (s: number) => new Date(NOW.getTime() + s * 1000);
  const window = at(60);
  const day = at(6 * 3600);

  it("the window's reset when only the window is used up", () => {
    const headers = {
      "x-rate-limit-remaining": "0",
      "x-rate-limit-reset": seconds(window),
      "x-user-limit-24hour-remaining": "5",
      "x-user-limit-24hour-reset": seconds(day),
    };
    expect(rateLimitReset(headers)).toEqual(window);
  });

  it("the latest reset of the limits used up, whatever their order", () => {
    const headers = {
      "x-rate-limit-remaining": "3",
      "x-rate-limit-reset": seconds(window),
      "x-app-limit-24hour-remaining": "0",
      "x-app-limit-24hour-reset": seconds(day),
      "x-user-limit-24hour-remaining": "0",
      "x-user-limit-24hour-reset": seconds(at(2 * 3600)),
    };
    expect(rateLimitReset(headers)).toEqual(day);
  });

  it("a limit used up without its reset leaves the window's", () => {
    const headers = {
      "x-rate-limit-remaining": "3",
      "x-rate-limit-reset": seconds(window),
      "x-app-limit-24hour-remaining": "0",
    };
    expect(rateLimitReset(headers)).toEqual(window);
    expect(rateLimitReset({ "x-rate-limit-reset": seconds(window) })).toEqual(window);
  });

  it("no reset, or one that is not a whole number: null", () => {
    expect(rateLimitReset({})).toBeNull();
    expect(rateLimitReset({ "x-rate-limit-reset": "12abc" })).toBeNull();
    expect(rateLimitReset({ "x-rate-limit-reset": "abc12" })).toBeNull();
    expect(rateLimitReset({ "x-rate-limit-reset": ` ${seconds(window)} ` })).toEqual(window);
  });

  it("the 24-hour limits of a post's answer, each when X sent it", () => {
    const reset = String(NOW.getTime() / 1000 + 3600);
    const later = String(NOW.getTime() / 1000 + 7200);
    expect(
      dailyLimits({
        "x-app-limit-24hour-remaining": "1400",
        "x-app-limit-24hour-reset": later,
        "x-user-limit-24hour-remaining": "16",
        "x-user-limit-24hour-reset": reset,
      }),
    ).toEqual({ app: 1400, user: 16, resetAt: "2026-03-02T13:00:00.000Z" });
    expect(
      dailyLimits({ "x-app-limit-24hour-remaining": "1400", "x-app-limit-24hour-reset": later }),
    ).toEqual({ app: 1400, resetAt: "2026-03-02T14:00:00.000Z" });
    expect(dailyLimits({ "x-user-limit-24hour-remaining": "16" })).toEqual({ user: 16 });
  });

  it("no 24-hour limits: null", () => {
    expect(dailyLimits(undefined)).toBeNull();
    expect(dailyLimits(null)).toBeNull();
    expect(dailyLimits({ "x-rate-limit-remaining": "99" })).toBeNull();
    expect(dailyLimits({ "x-user-limit-24hour-remaining": 16 })).toBeNull();
  });
});

describe("the sentence a person reads", () => {
  const sentence = (failure: Parameters<typeof describeFailure>[0]) =>
    describeFailure(failure, "posting", NOW);

  it("each kind says what happened while doing what", () => {
    expect(sentence({ kind: "server", status: 503, said: "503 Unavailable", maybeSent: false })).toBe(
      "X failed while posting (503 Unavailable).",
    );
    expect(sentence({ kind: "network", said: "the answer was cut off", maybeSent: true, retry: true })).toBe(
      "X did not answer while posting: the answer was cut off.",
    );
    expect(sentence({ kind: "duplicate", said: "403 dup" })).toBe(
      "X refused posting as duplicate content (403 dup).",
    );
    expect(sentence({ kind: "reply-target-gone", said: "403 gone" })).toBe(
      "X refused the reply because the post replied to is deleted or not visible (403 gone).",
    );
    expect(sentence({ kind: "refused", status: 400, said: "400 no" })).toBe("X refused posting (400 no).");
    expect(sentence({ kind: "auth", status: 401, said: "401 Unauthorized", permission: false })).toContain(
      "X refused the keys (401 Unauthorized).",
    );
  });

  it("a rate limit says when it resets, in whole minutes of at least one, or that X did not say", () => {
    const limited = (resetAt: Date | null) =>
      sentence({ kind: "rate-limited", said: "429 Too Many", resetAt });
    expect(limited(null)).toBe(
      "X refused posting: rate limit reached (429 Too Many) and X gave no reset time.",
    );
    const soon = new Date(NOW.getTime() + 90_000);
    expect(limited(soon)).toBe(
      `X refused posting: rate limit reached (429 Too Many); it resets at ${soon.toISOString()}, in about 2 min.`,
    );
    expect(limited(new Date(NOW.getTime() - 5_000))).toContain("in about 1 min.");
  });
});
