// Reading grammY's failures (errors.ts): what each Bot API answer means for a retry and for a person,
// and, as properties, that no sentence ever carries the bot token — not from Telegram's words (scrubbed)
// nor from a network error (whose message, holding the URL, is never read).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHAT_FIX,
  describeFailure,
  failureOf,
  NotBotApiAnswer,
  RIGHTS_FIX,
  type TelegramFailure,
  TOKEN_FIX,
} from "../../src/publish/telegram/errors.js";
import { registerSecrets } from "../../src/secrets.js";

const grammyError = (error_code: number, description: string, parameters: Record<string, unknown> = {}) => ({
  name: "GrammyError",
  error_code,
  description,
  parameters,
});
const httpError = (error: unknown) => ({ name: "HttpError", message: "Network request failed!", error });

const token = fc
  .tuple(fc.integer({ min: 10_000_000, max: 9_999_999_999 }), fc.stringMatching(/^[A-Za-z0-9_-]{35}$/))
  .map(([id, secret]) => `${id}:${secret}`);

describe("the Bot API's answers (issue 14)", () => {
  it.each([
    [429, "Too Many Requests: retry after 5", { retry_after: 5 }, { kind: "rate-limited", retryAfterS: 5 }],
    [500, "Internal Server Error", {}, { kind: "server" }],
    [502, "Bad Gateway", {}, { kind: "server" }],
    [401, "Unauthorized", {}, { kind: "token" }],
    [404, "Not Found", {}, { kind: "token" }],
    [400, "Bad Request: chat not found", {}, { kind: "chat", migrateTo: null }],
    [
      400,
      "Bad Request: group chat was upgraded to a supergroup chat",
      { migrate_to_chat_id: -1001 },
      { kind: "chat", migrateTo: "-1001" },
    ],
    [403, "Forbidden: bot is not a member of the channel chat", {}, { kind: "rights" }],
    [403, "Forbidden: bot was kicked from the channel chat", {}, { kind: "rights" }],
    [400, "Bad Request: need administrator rights in the channel chat", {}, { kind: "rights" }],
    [400, "Bad Request: not enough rights to send photos to the chat", {}, { kind: "photo" }],
    [400, "Bad Request: IMAGE_PROCESS_FAILED", {}, { kind: "photo" }],
    [400, "Bad Request: PHOTO_INVALID_DIMENSIONS", {}, { kind: "photo" }],
    [400, "Bad Request: message caption is too long", {}, { kind: "photo" }],
    [413, "Request Entity Too Large", {}, { kind: "photo" }],
    [400, "Bad Request: message to be replied not found", {}, { kind: "reply-target-gone" }],
    [400, "Bad Request: message is too long", {}, { kind: "refused" }],
  ])("%i %s", (status, description, parameters, expected) => {
    expect(failureOf(grammyError(status, description, parameters), false, 1000)).toMatchObject({
      ...expected,
      said: `${status} ${description}`,
    });
  });

  it.each([
    [403, "Forbidden: not enough rights to send photos to the chat", "rights"],
    [403, "Forbidden: chat not found", "rights"],
    [403, "Forbidden: message to be replied not found", "rights"],
    [409, "Conflict: not enough rights to send photos to the chat", "refused"],
    [409, "Conflict: chat not found", "refused"],
    [409, "Conflict: message to be replied not found", "refused"],
    [409, "Conflict: need administrator rights in the channel chat", "refused"],
  ])("the status comes first: %i %s is %s whatever its words name", (status, description, kind) => {
    expect(failureOf(grammyError(status, description), false, 1000)).toMatchObject({ kind });
  });

  it("429: the wait it asks for, when it is a number of seconds that can be waited", () => {
    const retryAfter = (parameters?: Record<string, unknown>) =>
      failureOf(
        { name: "GrammyError", error_code: 429, description: "Too Many Requests", parameters },
        false,
        1000,
      );
    expect(retryAfter({ retry_after: 0 })).toMatchObject({ kind: "rate-limited", retryAfterS: 0 });
    expect(retryAfter({ retry_after: 12 })).toMatchObject({ retryAfterS: 12 });
    expect(retryAfter({ retry_after: -1 })).toMatchObject({ retryAfterS: null });
    expect(retryAfter({ retry_after: "5" })).toMatchObject({ retryAfterS: null });
    expect(retryAfter({ retry_after: JSON.parse("1e999") })).toMatchObject({ retryAfterS: null });
    expect(retryAfter()).toMatchObject({ kind: "rate-limited", retryAfterS: null });
  });

  it("an answer without a code, words or parameters is still read, as a refusal saying what little it knows", () => {
    expect(failureOf({ name: "GrammyError" }, false, 1000)).toEqual({ kind: "refused", said: "HTTP 0" });
    expect(failureOf({ name: "GrammyError", error_code: 400 }, false, 1000)).toEqual({
      kind: "refused",
      said: "HTTP 400",
    });
  });

  it("Telegram's words on one line, without the white space around them, and at most 300 characters", () => {
    const said = (description: string) => failureOf(grammyError(400, description), false, 1000)?.said;
    expect(said("\n  Bad Request:\n\n\tchat   not found \n")).toBe("400 Bad Request: chat not found");
    expect(said(`Bad Request: ${"x".repeat(400)}`)).toBe(`400 Bad Request: ${"x".repeat(300 - 13)}`);
  });

  it("pages that are not the Bot API's: read by their status alone", () => {
    const page = (status: number, retryAfter: number | null = null) =>
      failureOf(httpError(new NotBotApiAnswer(status, retryAfter)), false, 1000);
    expect(page(502)).toEqual({ kind: "server", said: "HTTP 502, not a Bot API answer" });
    expect(page(200)).toMatchObject({ kind: "server" });
    expect(page(429, 7)).toMatchObject({ kind: "rate-limited", retryAfterS: 7 });
    expect(page(413)).toEqual({ kind: "photo", said: "HTTP 413 Request Entity Too Large" });
    expect(page(404)).toMatchObject({ kind: "not-bot-api" });
    expect(page(400)).toMatchObject({ kind: "not-bot-api" });
    expect(page(499)).toMatchObject({ kind: "not-bot-api" });
    expect(page(500)).toMatchObject({ kind: "server" });
  });

  it("connections: not sent when refused or unresolved, maybe sent when broken or timed out", () => {
    const fetchFailed = (code: string) =>
      httpError(Object.assign(new TypeError("fetch failed"), { cause: { code } }));
    expect(failureOf(fetchFailed("ECONNREFUSED"), false, 1000)).toMatchObject({
      maybeSent: false,
      retry: true,
    });
    expect(failureOf(fetchFailed("ENOTFOUND"), false, 1000)).toMatchObject({ maybeSent: false, retry: true });
    expect(failureOf(fetchFailed("UND_ERR_SOCKET"), false, 1000)).toMatchObject({
      maybeSent: true,
      retry: true,
    });
    expect(failureOf(fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT"), false, 1000)).toMatchObject({
      maybeSent: false,
      retry: false,
    });
    const aggregate = httpError({ cause: { errors: [{ code: "ECONNREFUSED" }, { code: "ECONNREFUSED" }] } });
    expect(failureOf(aggregate, false, 1000)).toMatchObject({ maybeSent: false });
    expect(failureOf(httpError(new Error("aborted")), true, 2500)).toEqual({
      kind: "network",
      said: "no answer within 2.5 s",
      maybeSent: true,
      retry: true,
    });
  });

  it("anything else is a bug, not a failure: null, to be rethrown", () => {
    expect(failureOf(new TypeError("x is undefined"), false, 1000)).toBeNull();
    expect(failureOf("a string", false, 1000)).toBeNull();
    expect(failureOf(null, false, 1000)).toBeNull();
    expect(failureOf(undefined, false, 1000)).toBeNull();
  });
});

describe("one sentence for a person (issue 14)", () => {
  const action = "sending the post";
  it.each<[TelegramFailure, string]>([
    [
      { kind: "rate-limited", said: "429 Too Many Requests", retryAfterS: null },
      "Telegram refused sending the post: too many requests (429 Too Many Requests) and it did not say for how long.",
    ],
    [
      { kind: "rate-limited", said: "429 Too Many Requests: retry after 90", retryAfterS: 90 },
      "Telegram refused sending the post: too many requests (429 Too Many Requests: retry after 90); it asks to wait 90 s.",
    ],
    [
      { kind: "server", said: "500 Internal Server Error" },
      "Telegram failed while sending the post (500 Internal Server Error).",
    ],
    [
      { kind: "network", said: "no answer within 15 s", maybeSent: true, retry: true },
      "Telegram did not answer while sending the post: no answer within 15 s.",
    ],
    [
      { kind: "token", said: "401 Unauthorized" },
      `Telegram refused the bot token (401 Unauthorized). ${TOKEN_FIX}`,
    ],
    [
      { kind: "chat", said: "400 Bad Request: chat not found", migrateTo: null },
      `Telegram does not know the chat (400 Bad Request: chat not found). ${CHAT_FIX}`,
    ],
    [
      { kind: "chat", said: "400 Bad Request: group chat was upgraded", migrateTo: "-1001" },
      "The group became a supergroup with a new id (400 Bad Request: group chat was upgraded): set TELEGRAM_CHAT_ID to -1001.",
    ],
    [
      { kind: "rights", said: "403 Forbidden: bot is not a member" },
      `Telegram refused sending the post (403 Forbidden: bot is not a member). ${RIGHTS_FIX}`,
    ],
    [
      { kind: "photo", said: "400 Bad Request: IMAGE_PROCESS_FAILED" },
      "Telegram refused the chart (400 Bad Request: IMAGE_PROCESS_FAILED).",
    ],
    [
      { kind: "reply-target-gone", said: "400 Bad Request: message to be replied not found" },
      "Telegram refused the reply: the message replied to is gone (400 Bad Request: message to be replied not found).",
    ],
    [
      { kind: "not-bot-api", said: "HTTP 404, not a Bot API answer" },
      "The Bot API address answered sending the post with HTTP 404, not a Bot API answer: check TELEGRAM_API_BASE_URL (default https://api.telegram.org).",
    ],
    [
      { kind: "refused", said: "400 Bad Request: message is too long" },
      "Telegram refused sending the post (400 Bad Request: message is too long).",
    ],
  ])("%o", (failure, sentence) => {
    expect(describeFailure(failure, action)).toBe(sentence);
  });
});

describe("no token in any sentence (SPEC §9)", () => {
  it("property: a network error's URL and message never reach the sentence", () => {
    fc.assert(
      fc.property(
        token,
        fc.constantFrom("ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET", undefined),
        (t, code) => {
          const url = `https://api.telegram.org/bot${t}/sendPhoto`;
          const cause = Object.assign(new Error(`request to ${url} failed`), { code, url });
          const failure = failureOf(
            httpError(Object.assign(new TypeError(`fetch ${url}`), { cause })),
            false,
            1000,
          );
          expect(failure).not.toBeNull();
          const sentence = describeFailure(failure!, "sending the post");
          expect(sentence).not.toContain(t);
          expect(sentence).not.toContain(t.split(":")[1]);
        },
      ),
    );
  });

  it("property: a description that quotes the configured token is scrubbed", () => {
    fc.assert(
      fc.property(token, fc.string(), fc.constantFrom(400, 403, 429, 500, 502), (t, words, status) => {
        registerSecrets([t]);
        const description = `${words} upstream /bot${t}/sendMessage ${encodeURIComponent(t)}`;
        const failure = failureOf(grammyError(status, description), false, 1000);
        const sentence = describeFailure(failure!, "sending the post");
        expect(sentence).not.toContain(t.split(":")[1]);
      }),
    );
  });
});
