// Bluesky's calls through the retry loop (call.ts), with the PDS's failures thrown directly: which of them
// are tried again, which may leave a post behind, and what the operator reads in the log and the error.
// The stand-in suites reach the common cases over HTTPS; these are the ones a stand-in cannot easily make.

import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import { BlueskyCallError, callBluesky } from "../../src/publish/bluesky/call.js";
import { InvalidAnswer } from "../../src/publish/bluesky/errors.js";
import { INSTANT_POLICY } from "../publish/harness.js";

const policy = INSTANT_POLICY;

function xrpcError(status: number, error: unknown, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { status, success: false, error, ...extra });
}
/** No answer: fetch's failure with the socket's error code as its cause. */
const connectionError = (code: string) =>
  xrpcError(1, undefined, "fetch failed", {
    cause: Object.assign(new TypeError("fetch failed"), { cause: { code } }),
  });

/** Calls `callBluesky` with a call that always throws `err`; what it threw, how often it was called, what it logged. */
async function failingWith(err: unknown, options: { creates?: boolean } = {}) {
  const warnings: string[] = [];
  const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  let calls = 0;
  const thrown = await callBluesky(
    async () => {
      calls++;
      throw err;
    },
    "posting",
    policy,
    logger,
    options,
  ).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(BlueskyCallError);
  return { error: thrown as BlueskyCallError, calls, warnings };
}

describe("what is tried again (SPEC §8a)", () => {
  it("a 501 (a method the PDS does not implement) is not tried again, and nothing was made", async () => {
    const { error, calls } = await failingWith(
      xrpcError(501, "MethodNotImplemented", "Method Not Implemented"),
      {
        creates: true,
      },
    );
    expect(calls).toBe(1);
    expect(error.maybeSent).toBe(false);
  });

  it("another 5xx is tried again, and the operator reads why in the log", async () => {
    const { error, calls, warnings } = await failingWith(xrpcError(502, undefined, "Bad Gateway"), {
      creates: true,
    });
    expect(calls).toBe(3);
    expect(error.maybeSent).toBe(true);
    expect(warnings).toEqual(["Bluesky call failed; retrying", "Bluesky call failed; retrying"]);
  });

  it("a connection that never reached the PDS is tried again; an untrusted certificate is not", async () => {
    expect((await failingWith(connectionError("ECONNREFUSED"), { creates: true })).calls).toBe(3);
    const tls = await failingWith(connectionError("CERT_HAS_EXPIRED"), { creates: true });
    expect(tls.calls).toBe(1);
    expect(tls.error.maybeSent).toBe(false);
  });

  it("an answer that is not the AT Protocol's is not tried again, and the post may exist", async () => {
    const { error, calls } = await failingWith(new InvalidAnswer("a record without a cid"), {
      creates: true,
    });
    expect(calls).toBe(1);
    expect(error.maybeSent).toBe(true);
  });

  it("a call that does not create the post never leaves one maybe made", async () => {
    const { error, calls } = await failingWith(xrpcError(502, undefined, "Bad Gateway"));
    expect(calls).toBe(3);
    expect(error.maybeSent).toBe(false);
  });
});

describe("the error a person reads", () => {
  it("names itself and says what failed while doing what", async () => {
    const { error } = await failingWith(xrpcError(400, "InvalidRequest", "Invalid record"));
    expect(String(error)).toBe(
      "BlueskyCallError: Bluesky refused posting (400 InvalidRequest: Invalid record).",
    );
    expect(error.attempts).toBe(1);
  });
});
