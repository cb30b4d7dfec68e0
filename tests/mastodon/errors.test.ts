// Reading masto's failures (errors.ts): which thrown things are the instance's answers at all, what each
// case means, the instance's own words as a person reads them, and X-RateLimit-Reset. The stand-in suites
// reach the common answers over HTTPS; these are the edges an instance or a proxy in front of it can make.

import { describe, expect, it } from "vitest";
import { classifyMastodonError } from "../../src/publish/mastodon/errors.js";

const classify = (err: unknown) => classifyMastodonError(err, 10_000);

/** What masto throws for the API's JSON error: its name, status, `error`, `error_description`, the Response. */
function httpError(statusCode: unknown, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name: "MastoHttpError", statusCode, ...extra });
}
const named = (name: string, message = "x") => Object.assign(new Error(message), { name });
const NOT_API = { kind: "not-api", said: expect.stringContaining("other than the API's JSON") };

describe("what is the instance's answer", () => {
  it("only Errors masto names; anything else is a bug, rethrown as it is", () => {
    expect(classify({ name: "MastoHttpError", statusCode: 500, message: "not an Error" })).toBeNull();
    expect(classify(new RangeError("a bug"))).toBeNull();
    expect(classify(new Error("a bug"))).toBeNull();
  });

  it("a body that is not the API's JSON, or JSON that is not an object, is not the API", () => {
    expect(classify(named("MastoUnexpectedError"))).toEqual(NOT_API);
    expect(classify(named("MastoDeserializeError", "Unexpected token < in JSON: <html>…"))).toEqual(NOT_API);
    expect(classify(new TypeError("Cannot destructure property 'error' of 'body' as it is null."))).toEqual(
      NOT_API,
    );
  });

  it("fetch's own failure is a connection's: read by its code", () => {
    expect(classify(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }))).toEqual({
      kind: "network",
      said: "it could not be reached (ECONNREFUSED)",
      maybeSent: false,
      retry: true,
    });
  });
});

describe("the API's errors", () => {
  it("a missing scope is a 403 that says so; any other 403 or 4xx is a refusal", () => {
    expect(classify(httpError(403, "This action is outside the authorized scopes"))).toEqual({
      kind: "scope",
      said: "403 This action is outside the authorized scopes",
    });
    expect(classify(httpError(403, "Your login is currently disabled"))).toEqual({
      kind: "refused",
      status: 403,
      said: "403 Your login is currently disabled",
    });
    expect(classify(httpError(422, "outside the authorized scopes"))).toMatchObject({ kind: "refused" });
  });

  it("an error without a status is read as status 0, never as a server's or the token's", () => {
    expect(classify(httpError(undefined, "Something went wrong"))).toEqual({
      kind: "refused",
      status: 0,
      said: "0 Something went wrong",
    });
  });

  it.each([
    [
      "the error and its description",
      "invalid_grant",
      { description: "The access token is invalid" },
      "invalid_grant: The access token is invalid",
    ],
    ["no description", "Record not found", {}, "Record not found"],
    ["a blank description", "Record not found", { description: "  " }, "Record not found"],
    ["a description that is not a string", "Record not found", { description: 42 }, "Record not found"],
    ["whitespace squeezed and trimmed", "  Validation\n\n failed:\ttext  ", {}, "Validation failed: text"],
  ])("said: %s", (_, message, extra, said) => {
    expect(classify(httpError(404, message, extra))).toEqual({
      kind: "refused",
      status: 404,
      said: `404 ${said}`,
    });
  });

  it("said: nothing at all is the status alone; at most 300 characters otherwise", () => {
    expect(classify(httpError(404, ""))).toEqual({ kind: "refused", status: 404, said: "HTTP 404" });
    expect(classify(httpError(404, "x".repeat(400)))).toMatchObject({ said: `404 ${"x".repeat(300)}` });
  });
});

describe("X-RateLimit-Reset", () => {
  const limited = (cause: unknown) => classify(httpError(429, "Too many requests", { cause }));
  const resetAt = (cause: unknown) => (limited(cause) as { resetAt: Date | null }).resetAt;

  it("an ISO 8601 time on the Response", () => {
    const cause = { headers: new Headers({ "X-RateLimit-Reset": "2026-03-02T12:05:00.000Z" }) };
    expect(limited(cause)).toEqual({
      kind: "rate-limited",
      said: "429 Too many requests",
      resetAt: new Date("2026-03-02T12:05:00.000Z"),
    });
  });

  it.each([
    ["no Response", undefined],
    ["a null Response", null],
    ["headers that are not Headers", { headers: { "x-ratelimit-reset": "2026-03-02T12:05:00.000Z" } }],
    ["no such header", { headers: new Headers({ "content-type": "application/json" }) }],
    ["not a time", { headers: new Headers({ "x-ratelimit-reset": "soon" }) }],
  ])("unknown with %s", (_, cause) => {
    expect(resetAt(cause)).toBeNull();
  });
});
