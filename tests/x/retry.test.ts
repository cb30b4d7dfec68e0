// The X publisher's calls through the shared retry loop (x-retry.ts), with twitter-api-v2's own errors:
// which failures are retried, whether the call may have reached X, the sentence when retrying is over,
// and the log line of each wait. The clock moves only by the recorded sleeps.

import type { ClientRequest, IncomingMessage } from "node:http";
import { pino } from "pino";
import { ApiRequestError, ApiResponseError } from "twitter-api-v2";
import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "../../src/publish/retry.js";
import { callX, XCallError } from "../../src/publish/x-retry.js";
import { NOW } from "../publish/harness.js";

const request = {} as ClientRequest;
const status = (code: number, title: string) =>
  new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: { title },
    headers: {},
    request,
    response: {} as IncomingMessage,
  });
const untrusted = new ApiRequestError("Request failed.", {
  request,
  error: Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
});

/** Calls X through callX, answering each attempt with the next of `answers` (an error is thrown). */
async function run(answers: unknown[], deadline: Date | null = null) {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const policy: RetryPolicy = {
    maxAttempts: 3,
    maxRateLimitWaitMs: 60_000,
    timeoutMs: 15_000,
    baseDelayMs: 1000,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => new Date(NOW.getTime() + sleeps.reduce((a, b) => a + b, 0)),
    random: () => 0.5,
  };
  const logger = pino({ base: undefined }, { write: (line: string) => void logs.push(line) });
  let attempts = 0;
  const outcome = await callX(
    async () => {
      const answer = answers[attempts++];
      if (answer instanceof Error || answer === null) throw answer;
      return answer;
    },
    "posting",
    policy,
    logger,
    { deadline },
  ).catch((err: unknown) => err);
  return { outcome, attempts, sleeps, logs };
}

describe("callX (SPEC §8, §9)", () => {
  it("a 500 may have been acted on: after three failed attempts the outcome is uncertain", async () => {
    const { outcome, attempts } = await run([
      status(500, "Internal Error"),
      status(503, "Unavailable"),
      status(503, "Unavailable"),
    ]);

    expect(outcome).toBeInstanceOf(XCallError);
    expect(outcome).toMatchObject({ maybeSent: true, attempts: 3, why: "attempts", name: "XCallError" });
    expect((outcome as XCallError).message).toBe("X failed while posting (503 Unavailable).");
    expect(attempts).toBe(3);
  });

  it("each wait before a retry is logged as X's failure, with its reason", async () => {
    const { outcome, logs } = await run([status(503, "Unavailable"), { data: "posted" }]);

    expect(outcome).toEqual({ data: "posted" });
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0] ?? "{}")).toMatchObject({
      msg: "X call failed; retrying",
      action: "posting",
      reason: "503 Unavailable",
    });
  });

  it("an untrusted certificate is tried once: retrying cannot change it, and nothing was sent", async () => {
    const { outcome, attempts, sleeps } = await run([untrusted, { data: "never reached" }]);

    expect(outcome).toMatchObject({ maybeSent: false, attempts: 1, why: "final" });
    expect(attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("the publish's deadline leaving no room for another attempt is said in the sentence", async () => {
    const { outcome, attempts } = await run(
      [status(503, "Unavailable"), { data: "too late" }],
      new Date(NOW.getTime() + 1500),
    );

    expect(outcome).toMatchObject({ why: "deadline", attempts: 1 });
    expect((outcome as XCallError).message).toBe(
      "X failed while posting (503 Unavailable). The publish's time ran out before another attempt.",
    );
    expect(attempts).toBe(1);
  });

  it("a bug's throw comes out as it is, even one that is not an object", async () => {
    expect((await run([null])).outcome).toBeNull();
    const bug = new TypeError("bug");
    expect((await run([bug])).outcome).toBe(bug);
  });
});
