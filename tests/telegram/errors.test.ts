// Reading grammY's failures (errors.ts): what each Bot API answer means for a retry and for a person,
// and, as properties, that no sentence ever carries the bot token — not from Telegram's words (scrubbed)
// nor from a network error (whose message, holding the URL, is never read).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeFailure, failureOf, NotBotApiAnswer } from "../../src/publish/telegram/errors.js";
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

  it("pages that are not the Bot API's: read by their status alone", () => {
    const page = (status: number, retryAfter: number | null = null) =>
      failureOf(httpError(new NotBotApiAnswer(status, retryAfter)), false, 1000);
    expect(page(502)).toEqual({ kind: "server", said: "HTTP 502, not a Bot API answer" });
    expect(page(200)).toMatchObject({ kind: "server" });
    expect(page(429, 7)).toMatchObject({ kind: "rate-limited", retryAfterS: 7 });
    expect(page(413)).toMatchObject({ kind: "photo" });
    expect(page(404)).toMatchObject({ kind: "not-bot-api" });
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
