// Reconciling a dead run's intent on X (SPEC §8, issue 4 §3), the doctor line (issue 4 §5) and the
// chart upload (issue 7 §3, §5), against the HTTPS stand-in.

import { afterEach, describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { NOW, pendingIntent } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { useXStandIn } from "./harness.js";
import { X_ANSWERS } from "./stand-in.js";

const env = useXStandIn();
const { output, publisherFor } = env;

afterEach(() => {
  expect(env.standIn.requests.every((r) => r.signatureProblem === null)).toBe(true);
});

const TEXT = "Top Market Venues for AT&T-USD:\nA<B: 60.00%\nC>D: 40.00%";

function intent(text: string, time: Date): PostRecord {
  return pendingIntent("x", { id: "intent-1", time, pair: "AT&T-USD", tweetText: text });
}

describe("reconcile (SPEC §8)", () => {
  it("§8 a pending intent whose post is on X becomes posted with X's id, matched by exact text despite &amp; &lt; &gt;", async () => {
    const postedAt = new Date(NOW.getTime() - 60_000);
    env.standIn.seedPost("1800000000000000007", TEXT, postedAt);
    env.standIn.seedPost(
      "1800000000000000008",
      "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
      postedAt,
    );
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent(TEXT, new Date(NOW.getTime() - 90_000)));

    expect(verdict).toEqual({
      status: "posted",
      id: "1800000000000000007",
      time: postedAt,
      url: `https://x.com/i/web/status/1800000000000000007`,
    });
    const lookup = env.standIn.requestsOn("GET /2/users/:id/tweets");
    expect(lookup.map((r) => r.path)).toEqual(["/2/users/1000/tweets"]);
    expect(lookup[0]?.query["max_results"]).toBe("100");
    expect(new Date(lookup[0]?.query["start_time"] ?? "").getTime()).toBeLessThan(NOW.getTime() - 90_000);
  });

  it("§8 a post with a chart is found although X appends the media's t.co link to its text", async () => {
    const postedAt = new Date(NOW.getTime() - 60_000);
    env.standIn.seedPost("1800000000000000009", `${TEXT} https://t.co/AbC12dEf34`, postedAt);
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent(TEXT, new Date(NOW.getTime() - 90_000)));

    expect(verdict).toEqual({
      status: "posted",
      id: "1800000000000000009",
      time: postedAt,
      url: `https://x.com/i/web/status/1800000000000000009`,
    });
  });

  it("§8 a pending intent not among the account's posts becomes failed", async () => {
    env.standIn.seedPost("1800000000000000008", "Top Market Venues for BTC-USDT:\nBinance: 100.00%", NOW);
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent(TEXT, NOW));

    expect(verdict.status).toBe("failed");
  });

  it("§8 the lookup follows X's pages", async () => {
    for (let i = 0; i < 150; i++)
      env.standIn.seedPost(
        String(1_800_000_000_000_000_100n + BigInt(i)),
        `post ${i}`,
        new Date(NOW.getTime() + i * 1000),
      );
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent("post 3", NOW));

    expect(verdict).toMatchObject({ status: "posted", id: "1800000000000000103" });
    expect(env.standIn.requestsOn("GET /2/users/:id/tweets")).toHaveLength(2);
  });

  it("§8 X refusing the lookup (the free tier's reads) gives unknown, with X's words", async () => {
    env.standIn.script("GET /2/users/:id/tweets", {
      status: 403,
      body: {
        title: "Client Forbidden",
        detail:
          "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.",
        status: 403,
      },
    });
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent(TEXT, NOW));

    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.reason).toContain("attached to a Project");
  });

  it("§8 X out of reach during the lookup gives unknown", async () => {
    env.standIn.script(
      "GET /2/users/me",
      X_ANSWERS.unavailable,
      X_ANSWERS.unavailable,
      X_ANSWERS.unavailable,
    );
    const { publisher } = await publisherFor();
    const verdict = await publisher.reconcile(intent(TEXT, NOW));

    expect(verdict.status).toBe("unknown");
  });

  it("issue 4 §3 GET /2/users/me is asked once per process", async () => {
    const { publisher } = await publisherFor();
    await publisher.reconcile(intent(TEXT, NOW));
    await publisher.reconcile(intent("another text", NOW));
    await publisher.check();

    expect(env.standIn.requestsOn("GET /2/users/me")).toHaveLength(1);
    expect(env.standIn.requestsOn("GET /2/users/:id/tweets")).toHaveLength(2);
  });
});

describe("doctor (issue 4 §5)", () => {
  it("names the account", async () => {
    const { publisher } = await publisherFor();
    const check = await publisher.check();

    expect(check).toEqual({ name: "publisher x", ok: true, detail: "X account @capbot_test (1000)" });
  });

  it("wrong keys: not ok, and the fix names the four TW_ settings", async () => {
    env.standIn.script("GET /2/users/me", X_ANSWERS.unauthorized);
    const { publisher } = await publisherFor();
    const check = await publisher.check();
    output.push(check.detail, check.fix ?? "");

    expect(check.ok).toBe(false);
    expect(check.exitCode).toBe(4);
    expect(env.standIn.requests).toHaveLength(1);
    for (const name of [
      "TW_CONSUMER_KEY",
      "TW_CONSUMER_KEY_SECRET",
      "TW_ACCESS_TOKEN",
      "TW_ACCESS_TOKEN_SECRET",
    ]) {
      expect(check.fix).toContain(name);
    }
  });

  it("read-only keys: not ok, and the fix says Read and Write and to regenerate the access token", async () => {
    env.standIn.accessLevel = "read";
    const { publisher } = await publisherFor();
    const check = await publisher.check();

    expect(check.ok).toBe(false);
    expect(check.fix).toContain("Read and Write");
    expect(check.fix).toContain("regenerate");
  });
});

describe("charts (issue 7 §3)", () => {
  const png = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 256);
  const alt = "Bar chart of BTC-USDT venue shares: Binance 41.20%, Coinbase 20.20%, Others 38.60%.";

  it("issue 7 uploads the chart (initialize, append, finalize), sets its alt text, and the post references the id", async () => {
    const { publisher } = await publisherFor();
    const result = await publisher.publish(
      request({
        intentId: "i1",
        text: "Top Market Venues for BTC-USDT:\nBinance: 41.20%",
        inReplyTo: null,
        chart: { png, alt, width: 1200, height: 675 },
      }),
    );

    expect(env.standIn.requests.map((r) => r.route)).toEqual([
      "POST /2/media/upload/initialize",
      "POST /2/media/upload/:id/append",
      "POST /2/media/upload/:id/finalize",
      "POST /2/media/metadata",
      "POST /2/tweets",
    ]);
    const [mediaId] = [...env.standIn.media.keys()];
    const media = env.standIn.media.get(mediaId ?? "");
    expect(Buffer.concat(media?.chunks ?? []).equals(Buffer.from(png))).toBe(true);
    expect(media?.type).toBe("image/png");
    expect(media?.alt).toBe(alt);
    expect(env.standIn.requestsOn("POST /2/tweets")[0]?.json).toMatchObject({
      media: { media_ids: [mediaId] },
    });
    expect(result).toMatchObject({ media: mediaId, warnings: [] });
  });

  it("issue 7 a failed upload still yields a text-only post, with a warning", async () => {
    env.standIn.script("POST /2/media/upload/initialize", {
      status: 400,
      body: { title: "Invalid Request", detail: "media type not accepted", status: 400 },
    });
    const { publisher } = await publisherFor();
    const result = await publisher.publish(
      request({
        intentId: "i1",
        text: "Top Market Venues for BTC-USDT:\nBinance: 41.20%",
        inReplyTo: null,
        chart: { png, alt, width: 1200, height: 675 },
      }),
    );

    const post = env.standIn.requestsOn("POST /2/tweets");
    expect(post).toHaveLength(1);
    expect(post[0]?.json).toEqual({ text: "Top Market Venues for BTC-USDT:\nBinance: 41.20%" });
    expect(result.media).toBeNull();
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^chart upload failed: .*media type not accepted/);
    expect(env.standIn.posts.has(result.id)).toBe(true);
  });

  it("issue 7 alt text refused: the post goes out text-only rather than with an undescribed image", async () => {
    env.standIn.script("POST /2/media/metadata", {
      status: 400,
      body: { title: "Invalid Request", detail: "alt text too long", status: 400 },
    });
    const { publisher } = await publisherFor();
    const result = await publisher.publish(
      request({
        intentId: "i1",
        text: "Top Market Venues for ETH-USDT:\nBinance: 41.20%",
        inReplyTo: null,
        chart: { png, alt, width: 1200, height: 675 },
      }),
    );

    expect(env.standIn.requestsOn("POST /2/tweets")[0]?.json).toEqual({
      text: "Top Market Venues for ETH-USDT:\nBinance: 41.20%",
    });
    expect(result.warnings[0]).toContain("alt text too long");
  });
});
