// The Mastodon publisher's posting against the HTTPS stand-in (SPEC §7, §8, §8a, §9; issue 14): what it
// sends, how the Idempotency-Key keeps a retry from posting twice, how it answers the instance's
// refusals and bad moments within the deadline and behind the fence, and that nothing it says holds the
// access token — even when a proxy echoes the request back.

import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/errors.js";
import type { PublishRequest } from "../../src/publish/port.js";
import { closedPort, NOW } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { leaksToken, useMastodonStandIn } from "./harness.js";
import { MASTODON_ANSWERS } from "./stand-in.js";

const { standIn, publisherFor, publishError } = useMastodonStandIn();

const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%";
const INTENT = "65f0c0ffee0000000000abcd";
const STATUSES = "POST /api/v1/statuses";
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array(3000).fill(7)]);
const alt = "Bar chart of BTC-USDT venue shares: Binance 41.20%, Coinbase 20.20%, Others 38.60%.";
const chart = { png, alt, width: 1200, height: 675 };

function post(overrides: Partial<Omit<PublishRequest, "inReplyTo">> & { inReplyTo?: string | null } = {}) {
  const { inReplyTo = null, ...rest } = overrides;
  return request({ intentId: INTENT, text: TEXT, inReplyTo, ...rest });
}

describe("posting (SPEC §9 Mastodon)", () => {
  it("§9 a new thread: one public status with the text and the intent's Idempotency-Key; its id and url", async () => {
    const { publisher } = publisherFor();
    const result = await publisher.publish(post());

    const sent = standIn.requestsOn(STATUSES);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.encoding).toBe("json");
    expect(sent[0]?.body).toEqual({ status: TEXT, visibility: "public" });
    expect(sent[0]?.headers["idempotency-key"]).toBe(`capbot-${INTENT}`);
    expect(standIn.requests.every((r) => r.authProblem === null)).toBe(true);
    expect([...standIn.statuses.keys()]).toEqual([result.id]);
    expect(result).toEqual({
      id: result.id,
      time: NOW,
      inReplyTo: null,
      threadRestarted: false,
      media: null,
      warnings: [],
      thread: null,
      url: standIn.statusUrl(result.id),
    });
  });

  it("§7 a reply carries in_reply_to_id only, and continues the thread", async () => {
    const { publisher } = publisherFor();
    const first = await publisher.publish(post());
    const second = await publisher.publish(
      post({
        intentId: "65f0c0ffee0000000000abce",
        text: TEXT.replace("41.20", "41.21"),
        inReplyTo: first.id,
      }),
    );

    expect(standIn.requestsOn(STATUSES)[1]?.body).toEqual({
      status: TEXT.replace("41.20", "41.21"),
      visibility: "public",
      in_reply_to_id: first.id,
    });
    expect(standIn.statuses.get(second.id)?.inReplyToId).toBe(first.id);
    expect(second).toMatchObject({ inReplyTo: first.id, threadRestarted: false, thread: null });
  });

  it("§7 a reply to a deleted status: Mastodon's 404, then a new thread with the same key, and a warning", async () => {
    const { publisher, logs } = publisherFor();
    const result = await publisher.publish(post({ inReplyTo: "109999999999999999" }));

    const sent = standIn.requestsOn(STATUSES);
    expect(sent.map((r) => r.body)).toEqual([
      { status: TEXT, visibility: "public", in_reply_to_id: "109999999999999999" },
      { status: TEXT, visibility: "public" },
    ]);
    expect(new Set(sent.map((r) => r.headers["idempotency-key"])).size).toBe(1);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings.join(" ")).toContain("thread restarted");
    expect(result.warnings.join(" ")).toContain("does not appear to exist");
    expect(logs.some((l) => l.includes('"level":40') && l.includes("new thread"))).toBe(true);
  });
});

describe("the chart and its alt text (SPEC §9 Mastodon)", () => {
  it("uploads the PNG with its description to /api/v2/media; the status carries the media id", async () => {
    const { publisher } = publisherFor();
    const result = await publisher.publish(post({ chart }));

    expect(standIn.requests.map((r) => r.route)).toEqual(["POST /api/v2/media", STATUSES]);
    const upload = standIn.requestsOn("POST /api/v2/media")[0];
    expect(upload?.encoding).toBe("multipart");
    expect(upload?.files["file"]?.type).toBe("image/png");
    expect(upload?.files["file"]?.data.equals(Buffer.from(png))).toBe(true);
    expect(upload?.body["description"]).toBe(alt);
    const [mediaId] = [...standIn.media.keys()];
    expect(standIn.requestsOn(STATUSES)[0]?.body).toMatchObject({ media_ids: [mediaId] });
    expect(standIn.media.get(mediaId ?? "")).toMatchObject({ description: alt, statusId: result.id });
    expect(result).toMatchObject({ media: mediaId, warnings: [] });
  });

  it("a 202 (still processing): waits for the media to be ready, then posts with it", async () => {
    standIn.processingPolls = 2;
    const { publisher, sleeps } = publisherFor();
    const result = await publisher.publish(post({ chart }));

    expect(standIn.requests.map((r) => r.route)).toEqual([
      "POST /api/v2/media",
      "GET /api/v1/media/:id",
      "GET /api/v1/media/:id",
      "GET /api/v1/media/:id",
      STATUSES,
    ]);
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(result.media).not.toBeNull();
    expect(result.warnings).toEqual([]);
  });

  it("media that is still processing when the deadline nears: the text goes alone, with a warning", async () => {
    standIn.processingPolls = 1000;
    const { publisher, sleeps } = publisherFor({ timeoutMs: 10_000 });
    const result = await publisher.publish(post({ chart, deadline: new Date(NOW.getTime() + 20_000) }));

    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(standIn.requestsOn(STATUSES)[0]?.body).toEqual({ status: TEXT, visibility: "public" });
    expect(result.media).toBeNull();
    expect(result.warnings).toEqual([expect.stringMatching(/^chart upload failed: .*still processing/)]);
  });

  it("a refused upload: the text goes alone, with a warning in Mastodon's words", async () => {
    standIn.script("POST /api/v2/media", {
      status: 422,
      body: { error: "Validation failed: File content type is invalid, File is invalid" },
    });
    const { publisher, logs } = publisherFor();
    const result = await publisher.publish(post({ chart }));

    expect(standIn.requestsOn(STATUSES)[0]?.body).toEqual({ status: TEXT, visibility: "public" });
    expect(result.media).toBeNull();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^chart upload failed: .*File content type is invalid/),
    ]);
    expect(logs.some((l) => l.includes("posting the text alone"))).toBe(true);
    expect(standIn.statuses.has(result.id)).toBe(true);
  });

  it("a token without write:media: the text goes alone, and the warning names the scope", async () => {
    standIn.scopes = ["write:statuses", "read:accounts", "read:statuses"];
    const { publisher } = publisherFor();
    const result = await publisher.publish(post({ chart }));

    expect(result.media).toBeNull();
    expect(result.warnings[0]).toContain("write:media");
    expect(standIn.statuses.has(result.id)).toBe(true);
  });

  it("the status refuses the chart (422): posted again with the text alone", async () => {
    standIn.script(STATUSES, {
      status: 422,
      body: { error: "Cannot attach files that have not finished processing. Try again in a moment!" },
    });
    const { publisher } = publisherFor();
    const result = await publisher.publish(post({ chart }));

    const bodies = standIn.requestsOn(STATUSES).map((r) => r.body);
    expect(bodies[0]).toHaveProperty("media_ids");
    expect(bodies[1]).toEqual({ status: TEXT, visibility: "public" });
    expect(result.media).toBeNull();
    expect(result.warnings).toEqual([expect.stringContaining("not finished processing")]);
  });
});

describe("exactly once: the Idempotency-Key (SPEC §8)", () => {
  it("no answer after the instance made the status: the retry, with the same key, gets that status back", async () => {
    standIn.script(STATUSES, { hang: true, act: true });
    const { publisher } = publisherFor({ timeoutMs: 300 });
    const result = await publisher.publish(post());

    const sent = standIn.requestsOn(STATUSES);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.headers["idempotency-key"])).toEqual([`capbot-${INTENT}`, `capbot-${INTENT}`]);
    expect([...standIn.statuses.keys()]).toEqual([result.id]);
  });

  it("a connection dropped after the instance made the status: still one status", async () => {
    standIn.script(STATUSES, { drop: true, act: true });
    const { publisher } = publisherFor();
    const result = await publisher.publish(post());

    expect(standIn.requestsOn(STATUSES)).toHaveLength(2);
    expect([...standIn.statuses.keys()]).toEqual([result.id]);
  });

  it("a reply made by an attempt that went unheard, then its target deleted: the restart gets the reply back", async () => {
    standIn.seedStatus({
      id: "110000000000000000",
      text: "earlier",
      createdAt: new Date(NOW.getTime() - 3600_000),
    });
    // The first attempt makes the reply unheard; by the retry the status replied to is deleted, and
    // Mastodon checks the thread before it looks at the key.
    standIn.script(STATUSES, { drop: true, act: true }, MASTODON_ANSWERS.replyTargetGone);
    const { publisher } = publisherFor();
    const result = await publisher.publish(post({ inReplyTo: "110000000000000000" }));

    const sent = standIn.requestsOn(STATUSES);
    expect(sent).toHaveLength(3);
    expect(sent[2]?.body).toEqual({ status: TEXT, visibility: "public" });
    expect(standIn.statuses.size).toBe(2);
    expect(standIn.statuses.get(result.id)?.inReplyToId).toBe("110000000000000000");
    expect(result).toMatchObject({ inReplyTo: "110000000000000000", threadRestarted: false });
  });

  it("an unanswered reply, then its target gone, then the new thread refused: still uncertain", async () => {
    standIn.script(
      STATUSES,
      { hang: true },
      MASTODON_ANSWERS.replyTargetGone,
      ...Array(3).fill(MASTODON_ANSWERS.unavailable),
    );
    const { publisher } = publisherFor({ timeoutMs: 200 });
    const err = await publishError(publisher.publish(post({ inReplyTo: "109999999999999999" })));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(5);
    expect(err.message).toContain("503");
    expect(err.uncertain).toBe(true);
  });

  it("every attempt timed out: uncertain, so the intent stays pending for reconciliation", async () => {
    standIn.script(STATUSES, { hang: true }, { hang: true }, { hang: true });
    const { publisher } = publisherFor({ timeoutMs: 200 });
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(true);
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain("0.2 s");
    expect(err.message).toContain("stays pending");
    expect(standIn.requestsOn(STATUSES)).toHaveLength(3);
  });

  it("500 on every attempt (may come after acting): uncertain", async () => {
    standIn.script(
      STATUSES,
      MASTODON_ANSWERS.serverError,
      MASTODON_ANSWERS.serverError,
      MASTODON_ANSWERS.serverError,
    );
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("500");
  });
});

describe("the instance's bad moments (SPEC §9)", () => {
  it("429 then 200: waits until X-RateLimit-Reset, then posts", async () => {
    standIn.script(STATUSES, MASTODON_ANSWERS.tooManyRequests(new Date(NOW.getTime() + 30_000)));
    const { publisher, sleeps, logs } = publisherFor();
    const result = await publisher.publish(post());

    expect(standIn.requestsOn(STATUSES)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(30_000);
    expect(sleeps[0]).toBeLessThanOrEqual(32_000);
    expect(standIn.statuses.has(result.id)).toBe(true);
    expect(logs.join("\n")).toContain("rate limit");
  });

  it("429 resetting beyond the configured wait: fails at once, not uncertain, and says when it resets", async () => {
    const reset = new Date(NOW.getTime() + 15 * 60_000);
    standIn.script(STATUSES, MASTODON_ANSWERS.tooManyRequests(reset));
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain(reset.toISOString());
    expect(err.message).toContain("Too many requests");
    expect(sleeps).toEqual([]);
  });

  it("503 twice then 200: three attempts with growing backoff, one status", async () => {
    standIn.script(STATUSES, MASTODON_ANSWERS.unavailable, MASTODON_ANSWERS.unavailable);
    const { publisher, sleeps } = publisherFor();
    const result = await publisher.publish(post());

    expect(standIn.requestsOn(STATUSES)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Number.POSITIVE_INFINITY);
    expect([...standIn.statuses.keys()]).toEqual([result.id]);
  });

  it("503 on every attempt: a definite failure after maxAttempts", async () => {
    standIn.script(
      STATUSES,
      MASTODON_ANSWERS.unavailable,
      MASTODON_ANSWERS.unavailable,
      MASTODON_ANSWERS.unavailable,
    );
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("503");
    expect(err.message).toContain("Gave up after 3 attempts");
    expect(standIn.statuses.size).toBe(0);
  });

  it("a proxy's HTML error page, then 200: retried, and posted once", async () => {
    standIn.script(STATUSES, MASTODON_ANSWERS.proxyPage(502));
    const { publisher } = publisherFor();
    const result = await publisher.publish(post());

    expect(standIn.requestsOn(STATUSES)).toHaveLength(2);
    expect([...standIn.statuses.keys()]).toEqual([result.id]);
  });

  it("a proxy's HTML page on every attempt: one clean sentence, uncertain (the status code is unknown)", async () => {
    standIn.script(STATUSES, ...Array(3).fill(MASTODON_ANSWERS.proxyPage(504)));
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(true);
    expect(err.message).toMatch(/^Mastodon \(127\.0\.0\.1:\d+\) did not answer posting as its API does/);
    expect(err.message).not.toMatch(/<|nginx|TypeError|Unexpected|encoding/i);
  });

  it("401: fails at once in one request, naming MASTODON_ACCESS_TOKEN and MASTODON_URL", async () => {
    const { publisher, sleeps } = publisherFor({ accessToken: "fake-wrong-mastodon-token-000000" });
    const err = await publishError(publisher.publish(post()));

    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]?.authProblem).toBe("wrong bearer token");
    expect(sleeps).toEqual([]);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("The access token is invalid");
    expect(err.message).toContain("MASTODON_ACCESS_TOKEN");
    expect(err.message).toContain("MASTODON_URL");
  });

  it("a token without write:statuses: fails at once, naming the scope", async () => {
    standIn.scopes = ["read:accounts", "write:media"];
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(1);
    expect(err.message).toContain("outside the authorized scopes");
    expect(err.message).toContain("lacks the write:statuses scope");
    expect(err.message).toContain("write:statuses write:media read:accounts read:statuses");
  });

  it("a text over the instance's limit: Mastodon's 422, a definite failure", async () => {
    standIn.maxCharacters = 20;
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("Text character limit of 20 exceeded");
  });

  it("a refused connection: nothing was sent, so a definite failure", async () => {
    const { publisher } = publisherFor({ url: `https://127.0.0.1:${await closedPort()}`, maxAttempts: 2 });
    const err = await publishError(publisher.publish(post()));

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("ECONNREFUSED");
  });
});

describe("the deadline and the fence (SPEC §8a)", () => {
  it("a deadline already passed: nothing is sent, and nothing was posted", async () => {
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post({ chart, deadline: new Date(NOW.getTime() - 1) })));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(0);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("nothing was posted");
  });

  it("timeouts until the deadline: stops there, uncertain (the status may be out)", async () => {
    standIn.script(STATUSES, { hang: true }, { hang: true }, { hang: true });
    const { publisher, sleeps } = publisherFor({ timeoutMs: 200 });
    const err = await publishError(publisher.publish(post({ deadline: new Date(NOW.getTime() + 1500) })));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("time ran out");
  });

  it("503 until the deadline: stops there, a definite failure", async () => {
    standIn.script(STATUSES, MASTODON_ANSWERS.unavailable, MASTODON_ANSWERS.unavailable);
    const { publisher } = publisherFor();
    const err = await publishError(publisher.publish(post({ deadline: new Date(NOW.getTime() + 1500) })));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(1);
    expect(err.uncertain).toBe(false);
  });

  it("a fence that throws: the status is never sent", async () => {
    const { publisher } = publisherFor();
    const lost = new LeaseLostError("the run lost its lease");
    const err = await publisher
      .publish(post({ chart, fence: () => Promise.reject(lost) }))
      .catch((e: unknown) => e);

    expect(err).toBe(lost);
    expect(standIn.requestsOn(STATUSES)).toHaveLength(0);
    expect(standIn.statuses.size).toBe(0);
  });
});

describe("no secret in any output (SPEC §9)", () => {
  const echoes = [
    ["an HTML page echoing the request", MASTODON_ANSWERS.echoPage(502)],
    [
      "an echo labelled JSON (masto quotes such bodies in its message)",
      MASTODON_ANSWERS.echoPage(502, "application/json"),
    ],
    ["a JSON null error body (masto throws a plain TypeError)", MASTODON_ANSWERS.nullBody(500)],
    [
      "Mastodon's JSON error quoting the header",
      { status: 400, body: { error: `Bad header: Bearer ${"fake-mastodon-access-token-0123456789abcdef"}` } },
    ],
  ] as const;

  for (const [what, reply] of echoes) {
    it(`${what}: one clean sentence, without the token`, async () => {
      standIn.script(STATUSES, reply, reply, reply);
      standIn.script("POST /api/v2/media", reply, reply, reply);
      const { publisher, logs } = publisherFor();
      const err = await publishError(publisher.publish(post({ chart })));

      expect(standIn.requestsOn(STATUSES)[0]?.headers["authorization"]).toContain(
        "fake-mastodon-access-token",
      );
      expect(err.message).toMatch(/^Mastodon \(127\.0\.0\.1:\d+\) /);
      expect(err.message).not.toMatch(/Cannot destructure|Malformed JSON|<pre>/);
      expect(leaksToken([err.message, String(err.stack), JSON.stringify(err), ...logs].join("\n"))).toBe(
        false,
      );
      expect(err.cause).toBeUndefined();
    });
  }
});
