// Reconciling a dead run's intent on Bluesky (SPEC §8), the doctor line (SPEC §9), the chart and its
// alt text, and the one session a process uses for all of them, against the HTTPS stand-in of a PDS.

import { describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { reconcileOnBluesky } from "../../src/publish/bluesky/reconcile.js";
import { recordKeyOf } from "../../src/publish/bluesky/record-key.js";
import { NOW, pendingIntent } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { useBlueskyStandIn } from "./harness.js";
import { BSKY_ANSWERS } from "./stand-in.js";

const env = useBlueskyStandIn();
const { output, publisherFor } = env;

const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%";
const INTENT_ID = "65f1c0ffee0123456789abcd";
const INTENT_TIME = new Date("2026-03-02T11:58:00.123Z");
const GET = "GET com.atproto.repo.getRecord";
const LOGIN = "POST com.atproto.server.createSession";

function intent(): PostRecord {
  return pendingIntent("bluesky", { id: INTENT_ID, time: INTENT_TIME, tweetText: TEXT });
}

function record(text: string, extra: Record<string, unknown> = {}) {
  return { $type: "app.bsky.feed.post", text, createdAt: NOW.toISOString(), langs: ["en"], ...extra };
}

describe("reconcile (SPEC §8)", () => {
  it("§8 a pending intent whose record is under its key becomes posted, with the record's time and thread", async () => {
    const root = env.standIn.seedPost("3lbrootaaaaa2", record("the thread's first post"));
    const rootRef = { uri: root.uri, cid: root.cid };
    const post = env.standIn.seedPost(
      recordKeyOf(INTENT_ID, INTENT_TIME),
      record(TEXT, { createdAt: "2026-03-02T11:58:01.000Z", reply: { root: rootRef, parent: rootRef } }),
    );
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent());

    expect(verdict).toEqual({
      status: "posted",
      id: post.uri,
      time: new Date("2026-03-02T11:58:01.000Z"),
      inReplyTo: rootRef.uri,
      thread: { cid: post.cid, root: rootRef },
      url: `https://bsky.app/profile/${env.standIn.account.did}/post/${post.rkey}`,
    });
    expect(env.standIn.requestsOn(GET).map((r) => r.query)).toEqual([
      {
        repo: env.standIn.account.did,
        collection: "app.bsky.feed.post",
        rkey: recordKeyOf(INTENT_ID, INTENT_TIME),
      },
    ]);
  });

  it("§8 the post a publish made is found by reconciling the same intent (both derive one key)", async () => {
    const { publisher } = publisherFor();
    const published = await publisher.publish(
      request({ intentId: INTENT_ID, intentTime: INTENT_TIME, text: TEXT, inReplyTo: null }),
    );
    const verdict = await publisher.reconcile(intent());

    expect(verdict).toMatchObject({ status: "posted", id: published.id, thread: published.thread });
  });

  it("§8 no record under the intent's key: failed, naming the key", async () => {
    env.standIn.seedPost(recordKeyOf("another-intent", INTENT_TIME), record(TEXT));
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent());

    expect(verdict).toEqual({
      status: "failed",
      error: `no post under its record key ${recordKeyOf(INTENT_ID, INTENT_TIME)} on Bluesky: it did not go out`,
    });
  });

  it("§8 the PDS out of reach: unknown, with what it said", async () => {
    env.standIn.script(GET, BSKY_ANSWERS.unavailable, BSKY_ANSWERS.unavailable, BSKY_ANSWERS.unavailable);
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent());

    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.reason).toContain("503");
    expect(verdict.status === "unknown" && verdict.reason).toContain(
      "looking for the post under its record key",
    );
  });

  it("§8 a bug while looking is not taken for an unknown outcome: it surfaces as it is", async () => {
    const bug = new TypeError("Cannot read properties of undefined");
    await expect(reconcileOnBluesky(async () => Promise.reject(bug), intent())).rejects.toBe(bug);
  });

  it("§8 a refused login: unknown, never failed", async () => {
    const { publisher } = publisherFor({ appPassword: "fake-wrong-app-password" });
    const verdict = await publisher.reconcile(intent());

    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.reason).toContain("BLUESKY_APP_PASSWORD");
  });
});

describe("doctor (SPEC §9)", () => {
  it("§9 names the account, its DID and the service", async () => {
    const { publisher } = publisherFor();
    const check = await publisher.check();

    expect(check).toEqual({
      name: "publisher bluesky",
      ok: true,
      detail: `Bluesky account @capbot-test.bsky.social (${env.standIn.account.did}) on ${new URL(env.standIn.url).host}`,
    });
    expect(env.standIn.requests.map((r) => r.route)).toEqual([LOGIN, "GET com.atproto.server.getSession"]);
  });

  it("§9 a refused app password: not ok, exit 4, and the fix names both settings and where app passwords are made", async () => {
    const { publisher } = publisherFor({ appPassword: "fake-wrong-app-password" });
    const check = await publisher.check();
    output.push(check.detail, check.fix ?? "");

    expect(check.ok).toBe(false);
    expect(check.exitCode).toBe(4);
    expect(check.detail).toContain("Invalid identifier or password");
    expect(check.fix).toContain("BLUESKY_IDENTIFIER");
    expect(check.fix).toContain("BLUESKY_APP_PASSWORD");
    expect(check.fix).toContain("App passwords");
  });

  it("§9 logins rate-limited past the wait: not ok, and the fix says how many logins a PDS allows", async () => {
    env.standIn.script(LOGIN, BSKY_ANSWERS.tooManyRequests(NOW.getTime() / 1000 + 240, 30));
    const { publisher } = publisherFor({ maxRateLimitWaitMs: 10_000 });
    const check = await publisher.check();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("Bluesky refused logging in: rate limit reached");
    expect(check.fix).toContain("30 logins in 5 minutes");
  });

  it("§9 a service that does not answer: not ok within the timeout, and the fix names BLUESKY_SERVICE", async () => {
    env.standIn.script(LOGIN, { hang: true });
    const { publisher } = publisherFor({ timeoutMs: 200, maxAttempts: 1 });
    const check = await publisher.check();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("no answer within 0.2 s");
    expect(check.fix).toContain("BLUESKY_SERVICE");
  });
});

describe("one session per process (SPEC §9: logins are rate-limited)", () => {
  it("§9 publish, reconcile and check share one login", async () => {
    const { publisher } = publisherFor();
    await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    await publisher.reconcile(intent());
    await publisher.check();

    expect(env.standIn.requestsOn(LOGIN)).toHaveLength(1);
  });

  it("§9 a failed login is tried again on the next call, not remembered as failed", async () => {
    env.standIn.script(LOGIN, BSKY_ANSWERS.unavailable);
    const { publisher } = publisherFor({ maxAttempts: 1 });
    expect((await publisher.check()).ok).toBe(false);
    expect((await publisher.check()).ok).toBe(true);

    expect(env.standIn.requestsOn(LOGIN)).toHaveLength(2);
  });
});

describe("charts (SPEC §9)", () => {
  const png = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 256);
  const alt = "Bar chart of BTC-USDT venue shares: Binance 41.20%, Coinbase 20.20%, Others 38.60%.";
  const chart = { png, alt, width: 1200, height: 675 };

  it("§9 the chart goes up as a blob and into an images embed with its alt text and aspect ratio", async () => {
    const { publisher } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart }));

    const upload = env.standIn.requestsOn("POST com.atproto.repo.uploadBlob");
    expect(upload).toHaveLength(1);
    expect(upload[0]?.contentType).toBe("image/png");
    expect(upload[0]?.body.equals(Buffer.from(png))).toBe(true);
    const [cid] = [...env.standIn.blobs.keys()];
    expect(env.standIn.requestsOn("POST com.atproto.repo.createRecord")[0]?.json).toMatchObject({
      record: record(TEXT, {
        embed: {
          $type: "app.bsky.embed.images",
          images: [
            {
              image: { $type: "blob", ref: { $link: cid }, mimeType: "image/png", size: png.length },
              alt,
              aspectRatio: { width: 1200, height: 675 },
            },
          ],
        },
      }),
    });
    expect(result).toMatchObject({ media: cid, warnings: [] });
  });

  it("§9 a refused upload: the text goes alone, with a warning and a log line", async () => {
    env.standIn.script("POST com.atproto.repo.uploadBlob", {
      status: 400,
      body: { error: "InvalidRequest", message: "Unsupported media type" },
    });
    const { publisher, logs } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart }));

    expect(env.standIn.requestsOn("POST com.atproto.repo.createRecord")[0]?.json).toMatchObject({
      record: record(TEXT),
    });
    expect(result.media).toBeNull();
    expect(result.warnings).toEqual([
      "chart upload failed: Bluesky refused uploading the chart (400 InvalidRequest: Unsupported media type).",
    ]);
    expect(logs.some((l) => l.includes('"level":40') && l.includes("text alone"))).toBe(true);
  });

  it("§9 a refused login is the post's failure, not the chart's: one login, nothing uploaded or created", async () => {
    const { publisher } = publisherFor({ appPassword: "fake-wrong-app-password" });
    const err = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart })).then(
      () => null,
      (e: unknown) => e as Error,
    );

    expect(err?.message).toContain("BLUESKY_APP_PASSWORD");
    expect(env.standIn.requests.map((r) => r.route)).toEqual(["POST com.atproto.server.createSession"]);
  });

  it("§9 a chart larger than every PDS takes is not sent at all; the text goes alone, with a warning", async () => {
    const { publisher } = publisherFor();
    const big = { ...chart, png: new Uint8Array(1_000_001) };
    const result = await publisher.publish(
      request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: big }),
    );

    expect(env.standIn.requestsOn("POST com.atproto.repo.uploadBlob")).toEqual([]);
    expect(result.warnings[0]).toContain("1000001 bytes");
    expect(env.standIn.posts.size).toBe(1);
  });
});
