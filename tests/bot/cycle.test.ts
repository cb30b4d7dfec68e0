// SPEC §8 and §8a through the cycle itself (runCycle, in-process): what is recorded when a publish is
// uncertain, fails, or is overtaken by a reconciler; several publishers at once; budgets; a lost lease.

import { describe, expect, it } from "vitest";
import { LeaseLostError, PublishError } from "../../src/errors.js";
import { AS_OF, bench, fakePublisher, posted } from "./harness.js";

describe("exactly once (SPEC §8)", () => {
  it("§8 an uncertain publish leaves the intent pending, and the next run reconciles it instead of posting again", async () => {
    const b = await bench();
    const uncertain = fakePublisher("x", {
      publish: async () => {
        throw new PublishError("X did not answer while posting: no answer within 15 s.", { uncertain: true });
      },
    });
    const first = await b.run([uncertain]);
    expect(first).toMatchObject({ status: "error", exitCode: 4, pair: "BTC-USDT" });
    expect(first.posts).toMatchObject([{ publisher: "x", status: "pending" }]);
    const [pending] = await b.store.pendingIntents();
    expect(pending).toMatchObject({ pair: "BTC-USDT", status: "pending" });

    // X had the post after all: the next run finds it, records it, and posts the next pair.
    const found = fakePublisher("x", {
      reconcile: async () => ({ status: "posted", id: "x-found", time: new Date(), url: null }),
    });
    const second = await b.run([found]);
    expect(second).toMatchObject({ status: "posted", pair: "ETH-USDT" });
    expect(found.requests.map((r) => r.text.split(":")[0])).toEqual(["Top Market Venues for ETH-USDT"]);
    const btc = (await b.store.history({ pair: "BTC-USDT", limit: 5 }))[0];
    expect(btc).toMatchObject({ status: "posted", tweetId: "x-found" });
  });

  it("§8 a definite failure is recorded failed with the network's words, and the pair is chosen again", async () => {
    const b = await bench();
    const refusing = fakePublisher("x", {
      publish: async () => {
        throw new PublishError("X refused posting (403 forbidden).");
      },
    });
    const first = await b.run([refusing]);
    expect(first).toMatchObject({
      status: "error",
      exitCode: 4,
      error: "X refused posting (403 forbidden).",
    });
    expect((await b.store.history({ limit: 1 }))[0]).toMatchObject({
      status: "failed",
      error: "X refused posting (403 forbidden).",
    });
    expect(await b.store.pendingIntents()).toEqual([]);
    const second = await b.run([fakePublisher("x")]);
    expect(second.pair).toBe("BTC-USDT");
  });

  it("§8a a post that exists wins over a reconciler's failed: recorded posted, with a warning", async () => {
    const b = await bench();
    const overtaken = fakePublisher("x", {
      publish: async (request) => {
        // Another run, finding this intent dead, reconciled it meanwhile.
        await b.store.markFailed(request.intentId, "not found among the account's posts");
        return posted(request, "x-real");
      },
    });
    const result = await b.run([overtaken]);
    expect(result).toMatchObject({ status: "posted", postId: "x-real" });
    expect(result.warnings.join("\n")).toMatch(
      /recorded this post failed while it was being published; it exists/,
    );
    expect((await b.store.history({ limit: 1 }))[0]).toMatchObject({
      status: "posted",
      tweetId: "x-real",
      error: null,
    });
  });
});

describe("several publishers (SPEC §8, §9)", () => {
  it("§8 one decision, every network: the same text to each, in order, each replying in its own thread", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    const first = await b.run([x, telegram]);
    expect(first).toMatchObject({ status: "posted", exitCode: 0, publisher: "x", postId: "x-1" });
    expect(first.posts.map((p) => [p.publisher, p.status, p.postId])).toEqual([
      ["x", "posted", "x-1"],
      ["telegram", "posted", "telegram-1"],
    ]);
    expect(telegram.requests[0]?.text).toBe(x.requests[0]?.text);
    await b.run([x, telegram]); // ETH
    await b.run([x, telegram]); // SOL
    await b.run([x, telegram]); // BTC again, replying on each network to its own last post
    expect(x.requests[3]?.inReplyTo?.id).toBe("x-1");
    expect(telegram.requests[3]?.inReplyTo?.id).toBe("telegram-1");
  });

  it("§8 a failure on one network never stops the others: partial, exit 4, posts[] says what happened where", async () => {
    const b = await bench();
    const refusing = fakePublisher("bluesky", {
      publish: async () => {
        throw new PublishError(
          "Bluesky refused the login: check BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD.",
        );
      },
    });
    const result = await b.run([fakePublisher("x"), refusing, fakePublisher("telegram")]);
    expect(result).toMatchObject({ status: "partial", exitCode: 4 });
    expect(result.error).toMatch(/bluesky: Bluesky refused the login/);
    expect(result.posts.map((p) => [p.publisher, p.status])).toEqual([
      ["x", "posted"],
      ["bluesky", "failed"],
      ["telegram", "posted"],
    ]);
  });

  it("§8a the daily budget is per publisher: one used up is skipped with its reason, the others post", async () => {
    const b = await bench();
    const env = { CAPBOT_MAX_POSTS_PER_DAY: "x=1,telegram=off" };
    await b.run([fakePublisher("x"), fakePublisher("telegram")], env);
    const second = await b.run([fakePublisher("x"), fakePublisher("telegram")], env);
    expect(second.status).toBe("posted");
    expect(second.posts).toMatchObject([
      {
        publisher: "x",
        status: "skipped",
        reason: "the daily budget of 1 post on x is used up (1 in the last 24 h)",
      },
      { publisher: "telegram", status: "posted" },
    ]);
  });

  it("§8a every budget used up: the run is skipped (exit 0), whatever the candidates would say", async () => {
    const b = await bench();
    await b.run([fakePublisher("x")], { CAPBOT_MAX_POSTS_PER_DAY: "1" });
    const skipped = await b.run([fakePublisher("x")], {
      CAPBOT_MAX_POSTS_PER_DAY: "1",
      CAPBOT_MIN_VENUES: "50",
    });
    expect(skipped).toMatchObject({ status: "skipped", exitCode: 0, skippedFor: "budget" });
    expect(skipped.reason).toMatch(/daily budget of 1 post on x is used up/);
  });
});

describe("the lease is a fence (SPEC §8a)", () => {
  it("§8a a run that lost its lease publishes nothing: the intent is failed, the networks after it are not attempted", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    // Another run took the lock while this one was between its intent and its publish.
    const renew = b.store.renewLock.bind(b.store);
    b.store.renewLock = async () => false;
    const result = await b.run([x, telegram]);
    b.store.renewLock = renew;

    expect(x.requests).toEqual([]);
    expect(telegram.requests).toEqual([]);
    expect(result).toMatchObject({ status: "error", exitCode: 4 });
    expect(result.posts).toMatchObject([
      {
        publisher: "x",
        status: "failed",
        error: expect.stringMatching(/lost its lock lease before posting to x/),
      },
      { publisher: "telegram", status: "skipped", reason: "not attempted: this run lost its lock lease" },
    ]);
    expect((await b.store.history({ limit: 1 }))[0]).toMatchObject({ status: "failed" });
  });

  it("§8a the fence is checked again inside the publish: a lease lost there after a send that may have arrived leaves the intent pending", async () => {
    const b = await bench();
    const x = fakePublisher("x", {
      publish: async () => {
        throw new LeaseLostError(
          "This run lost its lock lease before posting to x. An earlier attempt may have reached the network.",
          {
            uncertain: true,
          },
        );
      },
    });
    const result = await b.run([x, fakePublisher("telegram")]);
    expect(result.posts.map((p) => [p.publisher, p.status])).toEqual([
      ["x", "pending"],
      ["telegram", "skipped"],
    ]);
    expect(await b.store.pendingIntents()).toHaveLength(1);
  });

  it("§8a the publish gets half the lease as its deadline, and the fence to call before the request that posts", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    await b.run([x], { CAPBOT_LOCK_LEASE: "4m" });
    const [request] = x.requests;
    expect(request?.deadline.getTime()).toBe((request?.intentTime.getTime() ?? 0) + 2 * 60_000);
    // The fence is live: once the run has released its lock, it refuses.
    await expect(request?.fence()).rejects.toThrow(LeaseLostError);
  });

  it("§8 a run that finds the lock held is skipped for the lock, and takes nothing", async () => {
    const b = await bench();
    expect(await b.store.acquireLock("another-run", 600_000, AS_OF)).toBe(true);
    const x = fakePublisher("x");
    const result = await b.run([x]);
    expect(result).toMatchObject({ status: "skipped", skippedFor: "lock", exitCode: 0 });
    expect(x.requests).toEqual([]);
    expect((await b.store.lockInfo())?.owner).toBe("another-run");
  });
});
