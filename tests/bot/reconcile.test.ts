// SPEC §8: the intents a dead run left pending, reconciled at the start of the next run (runCycle,
// in-process): each asked of its own publisher, and recorded as what that publisher found.

import { describe, expect, it } from "vitest";
import type { PostRecord, PublisherName } from "../../src/core/types.js";
import type { Reconciliation } from "../../src/publish/port.js";
import type { Store } from "../../src/store/port.js";
import { AS_OF, bench, fakePublisher } from "./harness.js";

/** An intent a run that died (`runId`) left pending, replying to `inReplyTo`. */
function deadIntent(
  store: Store,
  pair: string,
  publisher: PublisherName,
  inReplyTo: string | null,
  runId = "dead-run",
) {
  return store.insertIntent({
    time: new Date(AS_OF.getTime() - 3_600_000),
    pair,
    tweetText: `Top Market Venues for ${pair}: …`,
    inReplyTo,
    publisher,
    runId,
  });
}

async function record(store: Store, id: string): Promise<PostRecord | undefined> {
  return (await store.history({ limit: 50 })).find((p) => p.id === id);
}

describe("reconciling a dead run's pending posts (SPEC §8)", () => {
  it("§8 a post found on the network is recorded posted with the reply target it really used, its thread and its address", async () => {
    const b = await bench();
    const restarted = await deadIntent(b.store, "BTC-USDT", "x", "x-gone");
    const replied = await deadIntent(b.store, "ETH-USDT", "x", "x-tip");
    const found: Record<string, Reconciliation> = {
      // The dead run found its target gone and started a new thread: the network says so.
      "BTC-USDT": {
        status: "posted",
        id: "x-btc",
        time: AS_OF,
        inReplyTo: null,
        thread: { root: "x-btc" },
        url: "https://example.test/x-btc",
      },
      // The network does not say what the post replies to: the intent's target stands.
      "ETH-USDT": { status: "posted", id: "x-eth", time: AS_OF },
    };
    const x = fakePublisher("x", {
      reconcile: async (intent) => found[intent.pair] ?? { status: "unknown", reason: "not asked" },
    });
    await b.run([x]);
    expect(await record(b.store, restarted)).toMatchObject({
      status: "posted",
      tweetId: "x-btc",
      inReplyTo: null,
      thread: { root: "x-btc" },
      url: "https://example.test/x-btc",
    });
    expect(await record(b.store, replied)).toMatchObject({
      status: "posted",
      tweetId: "x-eth",
      inReplyTo: "x-tip",
      thread: null,
      url: null,
    });
    expect(
      b.logs
        .filter((l) => l.msg === "reconciled a pending post")
        .map(({ level, intent, pair, publisher, outcome }) => ({ level, intent, pair, publisher, outcome })),
    ).toEqual([
      { level: "warn", intent: restarted, pair: "BTC-USDT", publisher: "x", outcome: "posted" },
      { level: "warn", intent: replied, pair: "ETH-USDT", publisher: "x", outcome: "posted" },
    ]);
  });

  it("§8 a post the network did not get is recorded failed with its words; one it cannot tell about becomes unknown", async () => {
    const b = await bench();
    const missing = await deadIntent(b.store, "BTC-USDT", "x", null);
    const untold = await deadIntent(b.store, "ETH-USDT", "x", null);
    const x = fakePublisher("x", {
      reconcile: async (intent) =>
        intent.pair === "BTC-USDT"
          ? { status: "failed", error: "not among the account's last 100 posts" }
          : { status: "unknown", reason: "the network cannot say what was posted" },
    });
    await b.run([x]);
    expect(await record(b.store, missing)).toMatchObject({
      status: "failed",
      tweetId: null,
      error: "not among the account's last 100 posts",
    });
    expect(await record(b.store, untold)).toMatchObject({
      status: "unknown",
      tweetId: null,
      error: "the network cannot say what was posted",
    });
    expect(await b.store.pendingIntents()).toEqual([]);
  });

  it("§8 each pending post is asked of its own publisher; one on a network this run does not publish to becomes unknown", async () => {
    const b = await bench();
    const onTelegram = await deadIntent(b.store, "BTC-USDT", "telegram", null);
    const onBluesky = await deadIntent(b.store, "ETH-USDT", "bluesky", null);
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    await b.run([x, telegram]);
    expect(x.reconciled).toEqual([]);
    expect(telegram.reconciled.map((intent) => intent.id)).toEqual([onTelegram]);
    expect(await record(b.store, onTelegram)).toMatchObject({ status: "failed", error: "not found" });
    expect(await record(b.store, onBluesky)).toMatchObject({
      status: "unknown",
      error: "left pending on bluesky, which this run does not publish to",
    });
    expect(b.logs.filter((l) => l.msg === "reconciled a pending post")).toMatchObject([
      { publisher: "telegram", outcome: "failed" },
      { publisher: "bluesky", outcome: "unknown" },
    ]);
  });

  it("§8 a run reconciles only other runs' intents: its own are its to record", async () => {
    const b = await bench();
    // The harness's first run is run-1.
    const own = await deadIntent(b.store, "BTC-USDT", "x", null, "run-1");
    const x = fakePublisher("x");
    await b.run([x]);
    expect(x.reconciled).toEqual([]);
    expect(await record(b.store, own)).toMatchObject({ status: "pending" });
  });
});
