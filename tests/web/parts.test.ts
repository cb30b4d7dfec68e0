// The page's pure parts: the shared cache, why the next pair, the threads, /healthz from recorded runs.

import { describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { LOCK_HELD_REASON } from "../../src/result.js";
import type { RunRecord } from "../../src/store/port.js";
import { sharedFor } from "../../src/web/cache.js";
import { healthFacts } from "../../src/web/health.js";
import { MAX_PAIRS, MAX_POSTS, threadsOf } from "../../src/web/threads.js";
import { whyThisPair } from "../../src/web/why.js";

describe("sharedFor", () => {
  it("computes once for every caller while computing and for the period after, then again", async () => {
    let clock = 0;
    let computed = 0;
    let release: () => void = () => {};
    const get = sharedFor(
      1_000,
      () => {
        computed += 1;
        return new Promise<number>((resolve) => {
          release = () => resolve(computed);
        });
      },
      () => clock,
    );
    const first = [get(), get(), get()];
    release();
    expect(await Promise.all(first)).toEqual([1, 1, 1]);
    clock = 999;
    expect(await get()).toBe(1);
    clock = 1_000;
    const later = get();
    release();
    expect(await later).toBe(2);
    expect(computed).toBe(2);
  });

  it("keeps no failure: the next caller tries again", async () => {
    let calls = 0;
    const get = sharedFor(60_000, async () => {
      calls += 1;
      if (calls === 1) throw new Error("store unreachable");
      return "ok";
    });
    await expect(get()).rejects.toThrow("store unreachable");
    expect(await get()).toBe("ok");
  });
});

describe("why this pair", () => {
  const c = (pair: string, metric: number, lastPostedAt: string | null, reason?: string) => ({
    pair,
    metric,
    lastPostedAt,
    ...(reason ? { reason } : {}),
  });

  it("never posted: its place in the order, and the passed-over pairs ahead of it with their reasons", () => {
    const candidates = [
      c("BTC-USDT", 900, "2026-03-01T10:00:00.000Z"),
      c("ETH-USDT", 800, null, "held: volume spike on okx"),
      c("SOL-USDT", 100, null),
    ];
    expect(whyThisPair("SOL-USDT", candidates, "usd")).toEqual({
      place: 2,
      of: 3,
      order: "never posted",
      sentence: "SOL-USDT has never been posted, and pairs never posted come first.",
      passedOver: [{ pair: "ETH-USDT", reason: "held: volume spike on okx" }],
    });
  });

  it("posted longest ago, against the next pair in line", () => {
    const candidates = [
      c("BTC-USDT", 900, "2026-03-01T10:00:00.000Z"),
      c("ETH-USDT", 800, "2026-03-01T06:00:00.000Z"),
    ];
    const why = whyThisPair("ETH-USDT", candidates, "usd");
    expect(why).toMatchObject({ place: 1, of: 2, order: "posted longest ago", passedOver: [] });
    expect(why?.sentence).toBe(
      "ETH-USDT was last posted at 2026-03-01T06:00:00.000Z, longer ago than the next pair in line (BTC-USDT, at 2026-03-01T10:00:00.000Z).",
    );
  });

  it("volume, when the next in line waited as long: how many are alike, and the metric that decided", () => {
    const candidates = [
      c("BTC-USDT", 900, null),
      c("ETH-USDT", 800, null),
      c("SOL-USDT", 1, "2026-03-01T06:00:00.000Z"),
    ];
    const why = whyThisPair("BTC-USDT", candidates, "quote");
    expect(why?.order).toBe("volume");
    expect(why?.sentence).toBe(
      "BTC-USDT has never been posted, like 1 other candidate in line after it; among them it has the biggest quote volume.",
    );
  });

  it("nothing when there is no next post or its pair is not a candidate (--pair)", () => {
    expect(whyThisPair(null, [c("BTC-USDT", 1, null)], "usd")).toBeNull();
    expect(whyThisPair("DOGE-USDT", [c("BTC-USDT", 1, null)], "usd")).toBeNull();
  });
});

function post(
  pair: string,
  publisher: string,
  minute: number,
  status: PostRecord["status"] = "posted",
): PostRecord {
  return {
    id: `${pair}-${publisher}-${minute}`,
    time: new Date(Date.UTC(2026, 2, 2, 0, minute)),
    pair,
    tweetText: `Top Market Venues for ${pair}:`,
    tweetId: status === "failed" ? null : `${publisher}-${minute}`,
    inReplyTo: null,
    publisher,
    status,
    runId: null,
    error: status === "failed" ? "X said 403" : null,
    thread: null,
    url: null,
  };
}

describe("threads", () => {
  it("groups the posts per pair and network, the most recent pairs first, each thread newest first", () => {
    const records = [
      post("BTC-USDT", "x", 50),
      post("ETH-USDT", "x", 40, "failed"),
      post("BTC-USDT", "bluesky", 30),
      post("BTC-USDT", "x", 20, null),
    ];
    const threads = threadsOf(records);
    expect(threads.map((t) => t.pair)).toEqual(["BTC-USDT", "ETH-USDT"]);
    expect(threads[0]?.networks.map((n) => [n.publisher, n.posts.map((p) => [p.postId, p.status])])).toEqual([
      [
        "x",
        [
          ["x-50", "posted"],
          ["x-20", "legacy"],
        ],
      ],
      ["bluesky", [["bluesky-30", "posted"]]],
    ]);
    expect(threads[1]?.networks[0]?.posts[0]).toMatchObject({
      status: "failed",
      error: "X said 403",
      postId: null,
    });
  });

  it("is bounded: the most recent pairs, and the latest posts of each thread", () => {
    const records: PostRecord[] = [];
    for (let i = 0; i < MAX_PAIRS + 3; i++)
      for (let k = 0; k < MAX_POSTS + 2; k++) records.push(post(`P${i}-USD`, "x", 600 - i * 20 - k));
    const threads = threadsOf(records);
    expect(threads.map((t) => t.pair)).toEqual(Array.from({ length: MAX_PAIRS }, (_, i) => `P${i}-USD`));
    expect(threads.every((t) => t.networks[0]?.posts.length === MAX_POSTS)).toBe(true);
  });
});

function run(status: RunRecord["status"], minute: number, reason: string | null = null): RunRecord {
  return {
    runId: `run-${minute}`,
    startedAt: new Date(Date.UTC(2026, 2, 2, 12, minute)),
    durationMs: 1_500,
    status,
    exitCode: status === "error" ? 5 : 0,
    pair: null,
    reason,
    error: null,
    posts: [],
  };
}

describe("/healthz from the recorded runs", () => {
  it("counts the failures in a row and takes the last run and the last successful post", () => {
    const facts = healthFacts(
      [run("error", 50), run("error", 40), run("posted", 30)],
      [post("BTC-USDT", "x", 20, "failed"), post("BTC-USDT", "x", 10)],
    );
    expect(facts).toEqual({
      consecutiveFailures: 2,
      skippedForLockSince: null,
      lastRun: { status: "error", exitCode: 5, finishedAt: new Date(Date.UTC(2026, 2, 2, 12, 50, 1, 500)) },
      lastPostAt: new Date(Date.UTC(2026, 2, 2, 0, 10)),
    });
  });

  it("dates the runs skipped for the lock from the first of the streak; a budget skip is no lock skip", () => {
    const runs = [
      run("skipped", 50, LOCK_HELD_REASON),
      run("skipped", 40, LOCK_HELD_REASON),
      run("skipped", 30, "the daily budget is used up"),
    ];
    expect(healthFacts(runs, []).skippedForLockSince).toEqual(new Date(Date.UTC(2026, 2, 2, 12, 40, 1, 500)));
    expect(healthFacts(runs.slice(2), []).skippedForLockSince).toBeNull();
    expect(healthFacts([], [])).toEqual({
      consecutiveFailures: 0,
      skippedForLockSince: null,
      lastRun: null,
      lastPostAt: null,
    });
  });
});
