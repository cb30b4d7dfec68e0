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
    expect(first.warnings).toEqual([]);
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
      warnings: [],
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

  it("§8a a post that exists wins over a reconciler's unknown as well, and the override is logged", async () => {
    const b = await bench();
    let intent = "";
    const overtaken = fakePublisher("x", {
      publish: async (request) => {
        intent = request.intentId;
        await b.store.markUnknown(request.intentId, "left pending on x, which this run does not publish to");
        return posted(request, "x-real");
      },
    });
    const result = await b.run([overtaken]);
    expect(result).toMatchObject({ status: "posted", postId: "x-real" });
    expect(result.warnings).toEqual([
      "x: another run had recorded this post unknown while it was being published; it exists, so it is now recorded posted",
    ]);
    expect(
      b.logs.filter((l) => l.msg === "a reconciler's verdict was overridden by the post that exists"),
    ).toMatchObject([{ level: "warn", intent, previous: "unknown" }]);
    expect((await b.store.history({ limit: 1 }))[0]).toMatchObject({ status: "posted", tweetId: "x-real" });
  });

  it("§7 §8 a reply whose target is gone starts a new thread: recorded as the network gave it (no target, media, thread, address), with a warning", async () => {
    const b = await bench();
    const x = fakePublisher("x", {
      publish: async (request, n) => {
        if (n < 4) return posted(request, `x-${n}`);
        return {
          ...posted(request, "x-4"),
          inReplyTo: null,
          threadRestarted: true,
          media: "media-4",
          thread: { root: "x-4" },
          warnings: ["x: the chart could not be uploaded; posted without it"],
        };
      },
    });
    for (let i = 0; i < 3; i++) await b.run([x]); // BTC, ETH, SOL
    const result = await b.run([x]); // BTC again, in reply to x-1, which is gone
    expect(x.requests[3]?.inReplyTo?.id).toBe("x-1");
    expect(result).toMatchObject({ status: "posted", pair: "BTC-USDT", postId: "x-4", inReplyTo: null });
    expect(result.posts).toStrictEqual([
      {
        publisher: "x",
        status: "posted",
        postId: "x-4",
        inReplyTo: null,
        url: "https://example.test/x-4",
        media: "media-4",
      },
    ]);
    expect(result.warnings).toEqual([
      "x: the chart could not be uploaded; posted without it",
      "x: the reply target x-1 is gone: started a new thread",
    ]);
    expect((await b.store.history({ pair: "BTC-USDT", limit: 1 }))[0]).toMatchObject({
      status: "posted",
      tweetId: "x-4",
      inReplyTo: null,
      media: "media-4",
      thread: { root: "x-4" },
      url: "https://example.test/x-4",
    });
  });

  it("§8 a refused reply keeps its reply target, on the intent and in posts[]", async () => {
    const b = await bench();
    const x = fakePublisher("x", {
      publish: async (request, n) => {
        if (n < 4) return posted(request, `x-${n}`);
        throw new PublishError("X refused posting (403 forbidden).");
      },
    });
    for (let i = 0; i < 3; i++) await b.run([x]); // BTC, ETH, SOL
    const result = await b.run([x]); // BTC again, in reply to x-1
    expect(result.posts).toStrictEqual([
      {
        publisher: "x",
        status: "failed",
        postId: null,
        inReplyTo: "x-1",
        url: null,
        error: "X refused posting (403 forbidden).",
      },
    ]);
    expect((await b.store.history({ pair: "BTC-USDT", limit: 1 }))[0]).toMatchObject({
      status: "failed",
      inReplyTo: "x-1",
    });
  });

  it("§8 a publisher that throws something other than its verdict (a bug) stops the run and leaves its intent pending: the post may be out", async () => {
    const b = await bench();
    const broken = fakePublisher("x", {
      publish: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      },
    });
    const telegram = fakePublisher("telegram");
    const result = await b.run([broken, telegram]);
    expect(result).toMatchObject({
      status: "error",
      exitCode: 1,
      error: "Cannot read properties of undefined (reading 'id')",
    });
    expect(telegram.requests).toEqual([]);
    expect(await b.store.pendingIntents()).toMatchObject([{ publisher: "x", status: "pending" }]);
  });

  it("§9 a run never throws, even when what is thrown is not an Error: it ends in an error with those words", async () => {
    const b = await bench();
    const broken = fakePublisher("x", {
      publish: async () => {
        throw "socket hang up";
      },
    });
    const result = await b.run([broken]);
    expect(result).toMatchObject({ status: "error", exitCode: 1, error: "socket hang up" });
    expect(await b.store.pendingIntents()).toMatchObject([{ publisher: "x", status: "pending" }]);
  });
});

describe("several publishers (SPEC §8, §9)", () => {
  it("§8 one decision, every network: the same text to each, in order, each replying in its own thread", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    const first = await b.run([x, telegram]);
    expect(first).toMatchObject({
      status: "posted",
      exitCode: 0,
      publisher: "x",
      postId: "x-1",
      warnings: [],
    });
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
    await b.run([x, telegram]); // ETH again: its own thread, not the first pair's
    expect(x.requests[4]?.inReplyTo?.id).toBe("x-2");
    expect(telegram.requests[4]?.inReplyTo?.id).toBe("telegram-2");
  });

  it("§8 an uncertain publish on one network does not stop the next: partial, the first left pending", async () => {
    const b = await bench();
    const uncertain = fakePublisher("x", {
      publish: async () => {
        throw new PublishError("X did not answer while posting: no answer within 15 s.", { uncertain: true });
      },
    });
    const result = await b.run([uncertain, fakePublisher("telegram")]);
    expect(result).toMatchObject({
      status: "partial",
      exitCode: 4,
      error: "x: X did not answer while posting: no answer within 15 s.",
      warnings: [],
    });
    expect(result.posts.map((p) => [p.publisher, p.status])).toEqual([
      ["x", "pending"],
      ["telegram", "posted"],
    ]);
  });

  it("§9 when every network fails, the error names each, in order", async () => {
    const b = await bench();
    const refusing = (name: "x" | "telegram", words: string) =>
      fakePublisher(name, {
        publish: async () => {
          throw new PublishError(words);
        },
      });
    const result = await b.run([
      refusing("x", "X refused posting (403 forbidden)."),
      refusing("telegram", "Telegram refused the chat (400 chat not found)."),
    ]);
    expect(result).toMatchObject({
      status: "error",
      exitCode: 4,
      error:
        "x: X refused posting (403 forbidden). telegram: Telegram refused the chat (400 chat not found).",
    });
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

  it("§8a a budget of several posts says so in the plural", async () => {
    const b = await bench();
    const env = { CAPBOT_MAX_POSTS_PER_DAY: "2" };
    await b.run([fakePublisher("x")], env);
    await b.run([fakePublisher("x")], env);
    const third = await b.run([fakePublisher("x")], env);
    expect(third).toMatchObject({
      status: "skipped",
      reason: "the daily budget of 2 posts on x is used up (2 in the last 24 h)",
    });
  });

  it("§8a every budget used up: each reason is given, the pair is still decided, no chart is drawn", async () => {
    const b = await bench();
    const env = { CAPBOT_MAX_POSTS_PER_DAY: "x=1,telegram=1" };
    let charts = 0;
    const chart = async () => {
      charts++;
      return null;
    };
    await b.run([fakePublisher("x"), fakePublisher("telegram")], env, { deps: { chart } });
    const second = await b.run([fakePublisher("x"), fakePublisher("telegram")], env, { deps: { chart } });
    expect(second).toMatchObject({
      status: "skipped",
      exitCode: 0,
      skippedFor: "budget",
      pair: "ETH-USDT",
      reason:
        "the daily budget of 1 post on x is used up (1 in the last 24 h); " +
        "the daily budget of 1 post on telegram is used up (1 in the last 24 h)",
    });
    expect(charts).toBe(1);
  });

  it("§8a a publisher over its budget keeps its place in posts[], with the thread it would continue", async () => {
    const b = await bench();
    const env = { CAPBOT_MAX_POSTS_PER_DAY: "x=off,telegram=1" };
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    await b.run([x, telegram], env); // BTC on both
    await b.run([x, telegram], env); // ETH
    await b.run([x, telegram], env); // SOL
    const result = await b.run([x, telegram], env); // BTC again
    expect(result).toMatchObject({ status: "posted", publisher: "x", postId: "x-4", inReplyTo: "x-1" });
    expect(result.posts).toMatchObject([
      { publisher: "x", status: "posted", postId: "x-4", inReplyTo: "x-1" },
      {
        publisher: "telegram",
        status: "skipped",
        postId: null,
        inReplyTo: "telegram-1",
        reason: "the daily budget of 1 post on telegram is used up (1 in the last 24 h)",
      },
    ]);
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
    expect(result).toMatchObject({ status: "error", exitCode: 4, warnings: [] });
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
    expect(result.warnings).toEqual([]);
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
    expect(result).toMatchObject({
      reason: "another capbot run holds the lock",
      pair: null,
      candidates: [],
      posts: [],
      warnings: [],
    });
  });

  it("§8a a lock that cannot be released does not undo a post: it is logged, and expires with its lease", async () => {
    const b = await bench();
    b.store.releaseLock = async () => {
      throw new Error("database is locked");
    };
    const result = await b.run([fakePublisher("x")]);
    expect(result).toMatchObject({ status: "posted", exitCode: 0 });
    expect(
      b.logs.filter((l) => l.msg === "could not release the lock; it expires with its lease"),
    ).toMatchObject([{ level: "warn", err: "database is locked" }]);
  });
});
