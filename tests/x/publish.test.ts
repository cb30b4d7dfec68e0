// The X publisher's posting against the HTTPS stand-in (SPEC §7, §9; issue 4 §1–2): what it sends,
// how it answers X's refusals and bad moments, and that nothing it says holds a secret.

import { describe, expect, it } from "vitest";
import { NOW } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { useXStandIn } from "./harness.js";
import { X_ANSWERS } from "./stand-in.js";

const env = useXStandIn();
const { output, publisherFor, publishError } = env;

const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%";

describe("posting (SPEC §9)", () => {
  it("§9 a new thread: one signed POST /2/tweets with the text and no reply; 201 gives the id", async () => {
    const { publisher } = await publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    const posts = env.standIn.requestsOn("POST /2/tweets");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.json).toEqual({ text: TEXT });
    expect(env.standIn.requests.every((r) => r.signatureProblem === null)).toBe(true);
    const stored = [...env.standIn.posts.values()];
    expect(stored.map((p) => p.id)).toEqual([result.id]);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: false, warnings: [], time: NOW });
  });

  it("§7 a reply to a legacy thread sends reply.in_reply_to_tweet_id", async () => {
    env.standIn.seedPost(
      "1602000000000000001",
      "Top Market Venues for LINK-USDT:\nBinance: 66.64%",
      new Date("2022-12-13T12:21:00Z"),
    );
    const { publisher } = await publisherFor();
    const result = await publisher.publish(
      request({ intentId: "i1", text: TEXT, inReplyTo: "1602000000000000001" }),
    );

    expect(env.standIn.requestsOn("POST /2/tweets").map((r) => r.json)).toEqual([
      { text: TEXT, reply: { in_reply_to_tweet_id: "1602000000000000001" } },
    ]);
    expect(result.inReplyTo).toBe("1602000000000000001");
    expect(env.standIn.posts.get(result.id)?.inReplyTo).toBe("1602000000000000001");
  });

  it("§7 a reply to the bot's own last post continues its thread", async () => {
    const { publisher } = await publisherFor();
    const first = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    const second = await publisher.publish(
      request({
        intentId: "i2",
        text: `${TEXT} `.trim().replace("41.20", "41.21"),
        inReplyTo: first.id,
      }),
    );

    expect(env.standIn.posts.get(second.id)?.inReplyTo).toBe(first.id);
    expect(second).toMatchObject({ inReplyTo: first.id, threadRestarted: false });
  });

  it("§9 429 then 201: waits until x-rate-limit-reset, then posts", async () => {
    const resetIn = 30;
    env.standIn.script("POST /2/tweets", X_ANSWERS.tooManyRequests(NOW.getTime() / 1000 + resetIn));
    const { publisher, sleeps, logs } = await publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(resetIn * 1000);
    expect(sleeps[0]).toBeLessThanOrEqual(resetIn * 1000 + 2000);
    expect(env.standIn.posts.has(result.id)).toBe(true);
    expect(logs.join("\n")).toContain("rate limit");
  });

  it("§9 429 with a reset beyond the configured wait fails at once (exit 4) and says when it resets", async () => {
    const reset = new Date(NOW.getTime() + 15 * 60_000);
    env.standIn.script("POST /2/tweets", X_ANSWERS.tooManyRequests(reset.getTime() / 1000));
    const { publisher, sleeps } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.exitCode).toBe(4);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain(reset.toISOString());
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("§9 a daily cap's 429 reports the 24-hour reset, not the 15-minute window's", async () => {
    const windowReset = NOW.getTime() / 1000 + 60;
    const dayReset = NOW.getTime() / 1000 + 6 * 3600;
    env.standIn.script("POST /2/tweets", {
      status: 429,
      body: { title: "Too Many Requests", detail: "Too Many Requests", status: 429 },
      headers: {
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": "97",
        "x-rate-limit-reset": String(windowReset),
        "x-user-limit-24hour-limit": "17",
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": String(dayReset),
      },
    });
    const { publisher, sleeps } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.message).toContain(new Date(dayReset * 1000).toISOString());
    expect(sleeps).toEqual([]);
  });

  it("§9 503 twice then 201: three attempts with growing backoff", async () => {
    env.standIn.script("POST /2/tweets", X_ANSWERS.unavailable, X_ANSWERS.unavailable);
    const { publisher, sleeps } = await publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Number.POSITIVE_INFINITY);
    expect(env.standIn.posts.has(result.id)).toBe(true);
  });

  it("§9 503 on every attempt: a definite failure after maxAttempts", async () => {
    env.standIn.script("POST /2/tweets", X_ANSWERS.unavailable, X_ANSWERS.unavailable, X_ANSWERS.unavailable);
    const { publisher } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("503");
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(3);
    expect(env.standIn.posts.size).toBe(0);
  });

  it("§9 401: one request, exit 4, names the four TW_ settings", async () => {
    env.standIn.script("POST /2/tweets", X_ANSWERS.unauthorized);
    const { publisher, sleeps } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.exitCode).toBe(4);
    expect(env.standIn.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    for (const name of [
      "TW_CONSUMER_KEY",
      "TW_CONSUMER_KEY_SECRET",
      "TW_ACCESS_TOKEN",
      "TW_ACCESS_TOKEN_SECRET",
    ]) {
      expect(err.message).toContain(name);
    }
  });

  it("§9 wrong keys: the stand-in refuses the signature, and the run fails in one request", async () => {
    const { publisher } = await publisherFor({ consumerSecret: "fake-wrong-consumer-secret" });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requests).toHaveLength(1);
    expect(env.standIn.requests[0]?.signatureProblem).toBe("signature mismatch");
    expect(err.message).toContain("TW_CONSUMER_KEY_SECRET");
  });

  it("§9 403 without write permission: says Read and Write and names the access token settings", async () => {
    env.standIn.script("POST /2/tweets", X_ANSWERS.noWritePermission);
    const { publisher } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requests).toHaveLength(1);
    expect(err.message).toContain("oauth1 app permissions");
    expect(err.message).toContain("Read and Write");
    expect(err.message).toContain("TW_ACCESS_TOKEN_SECRET");
  });

  it("§9 403 duplicate content: a definite failure with that reason, not retried", async () => {
    env.standIn.seedPost("1700000000000000001", TEXT, new Date(NOW.getTime() - 3600_000));
    const { publisher } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("duplicate content");
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
  });

  it("§7 reply target deleted: posts again without reply, inReplyTo null, threadRestarted, a warning", async () => {
    const { publisher, logs } = await publisherFor();
    const result = await publisher.publish(
      request({ intentId: "i1", text: TEXT, inReplyTo: "1500000000000000009" }),
    );

    const bodies = env.standIn.requestsOn("POST /2/tweets").map((r) => r.json);
    expect(bodies).toEqual([
      { text: TEXT, reply: { in_reply_to_tweet_id: "1500000000000000009" } },
      { text: TEXT },
    ]);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings.join(" ")).toContain("thread restarted");
    expect(logs.some((l) => l.includes('"level":40') && l.includes("new thread"))).toBe(true);
  });

  it("§8 every attempt timed out: the outcome is uncertain, so the intent is left for reconciliation", async () => {
    env.standIn.script("POST /2/tweets", { hang: true }, { hang: true }, { hang: true });
    const { publisher } = await publisherFor({ timeoutMs: 200 });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(true);
    expect(err.exitCode).toBe(4);
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(3);
  });

  it("§8 a connection reset after X stored the post, then 'duplicate': uncertain, never 'failed'", async () => {
    env.standIn.script("POST /2/tweets", { drop: true, act: true });
    const { publisher } = await publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(2);
    expect(env.standIn.posts.size).toBe(1);
    expect(err.uncertain).toBe(true);
  });

  it("§9 a connection reset before X acted, then 201: posted once", async () => {
    env.standIn.script("POST /2/tweets", { drop: true });
    const { publisher } = await publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(2);
    expect([...env.standIn.posts.keys()]).toEqual([result.id]);
  });

  it("issue 4 §4 the 24-hour limit header is logged with the remaining count", async () => {
    env.standIn.dailyLimit = 17;
    const { publisher, logs } = await publisherFor();
    await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    const line = logs.find((l) => l.includes("24-hour"));
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? "{}")).toMatchObject({ userRemaining: 16 });
  });

  it("every request carries a timeout: a silent X fails within the configured time, not never", async () => {
    env.standIn.script("GET /2/users/me", { hang: true });
    const { publisher } = await publisherFor({ timeoutMs: 200, maxAttempts: 1 });
    const check = await publisher.check();
    output.push(check.detail, check.fix ?? "");

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("0.2 s");
  });
});
