import { describe, expect, it } from "vitest";
import { isCounting, normalisePost, postStates } from "../../src/core/thread.js";
import { post } from "./fixtures.js";

const at = (hour: number) => new Date(Date.UTC(2023, 0, 10, hour));

describe("isCounting (§5)", () => {
  it("§5 a post counts when its status is absent, posted or unknown", () => {
    expect(isCounting(null)).toBe(true);
    expect(isCounting("posted")).toBe(true);
    expect(isCounting("unknown")).toBe(true);
    expect(isCounting("pending")).toBe(false);
    expect(isCounting("failed")).toBe(false);
  });
});

describe("postStates (§5, §7)", () => {
  it("§5 lastPostedAt is the latest time of the pair's counting posts, any publisher", () => {
    const states = postStates(
      [
        post({ id: "1", time: at(1), publisher: "x" }),
        post({ id: "2", time: at(3), publisher: "local", tweetId: "L-1" }),
        post({ id: "3", time: at(5), status: "failed", tweetId: null }),
        post({ id: "4", time: at(6), status: "pending", tweetId: null }),
      ],
      "x",
    );
    expect(states).toEqual([
      {
        pair: "BTC-USDT",
        lastPostedAt: at(3),
        lastText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
        threadTip: "1600000000000000001",
        tipThread: null,
      },
    ]);
  });

  it("§7 the reply target is the latest counting post of the same publisher with a tweet_id", () => {
    const states = postStates(
      [
        post({ id: "1", time: at(1), tweetId: "111" }),
        post({ id: "2", time: at(2), tweetId: "222" }),
        post({ id: "3", time: at(3), tweetId: null, status: null }),
      ],
      "x",
    );
    expect(states[0]?.threadTip).toBe("222");
    expect(states[0]?.lastPostedAt).toEqual(at(3));
  });

  it("§7 two posts at the same time: the later id (the later insert) is the reply target, in any order", () => {
    // Ids as the stores make them: ObjectId-shaped hex, growing with insertion; the pipeline sorts
    // { time: -1, _id: -1 } and takes the first.
    const earlier = post({ id: "65a000000000000000000001", time: at(4), tweetId: "111" });
    const later = post({ id: "65a000000000000000000002", time: at(4), tweetId: "222" });
    const expected = [
      {
        pair: "BTC-USDT",
        lastPostedAt: at(4),
        lastText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
        threadTip: "222",
        tipThread: null,
      },
    ];
    expect(postStates([earlier, later], "x")).toEqual(expected);
    expect(postStates([later, earlier], "x")).toEqual(expected);
  });

  it("§5 §7 time decides before the id: a later post with a smaller id is still the latest", () => {
    const newer = post({ id: "65a000000000000000000001", time: at(5), tweetId: "111" });
    const older = post({ id: "65a000000000000000000002", time: at(2), tweetId: "222" });
    const expected = [
      {
        pair: "BTC-USDT",
        lastPostedAt: at(5),
        lastText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
        threadTip: "111",
        tipThread: null,
      },
    ];
    expect(postStates([newer, older], "x")).toEqual(expected);
    expect(postStates([older, newer], "x")).toEqual(expected);
  });

  it("§7 legacy posts without publisher were made on x", () => {
    const legacy = normalisePost({ time: at(1), pair: "BTC-USDT", tweet_text: "…", tweet_id: "999" }, "a");
    expect(legacy?.publisher).toBe("x");
    expect(postStates(legacy ? [legacy] : [], "x")[0]?.threadTip).toBe("999");
    expect(postStates(legacy ? [legacy] : [], "local")[0]?.threadTip).toBeNull();
  });

  it("§7 another publisher's posts are never a reply target", () => {
    const states = postStates([post({ id: "1", time: at(1), publisher: "local", tweetId: "L-7" })], "x");
    expect(states).toEqual([
      {
        pair: "BTC-USDT",
        lastPostedAt: at(1),
        lastText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
        threadTip: null,
        tipThread: null,
      },
    ]);
  });

  it("§5 §7 failed and pending posts neither count nor thread", () => {
    const states = postStates(
      [
        post({ id: "1", time: at(1), status: "failed", tweetId: "111" }),
        post({ id: "2", time: at(2), status: "pending", tweetId: "222" }),
      ],
      "x",
    );
    expect(states).toEqual([]);
  });

  it("§8 unknown counts for lastPostedAt but is never a thread tip, even with a tweet_id", () => {
    const states = postStates(
      [
        post({ id: "1", time: at(1), status: "posted", tweetId: "111" }),
        post({ id: "2", time: at(2), status: "unknown", tweetId: "222" }),
      ],
      "x",
    );
    expect(states).toEqual([
      {
        pair: "BTC-USDT",
        lastPostedAt: at(2),
        lastText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
        threadTip: "111",
        tipThread: null,
      },
    ]);
  });

  it("§7 no counting post with an id starts a new thread; states are sorted by pair", () => {
    const states = postStates(
      [post({ id: "1", pair: "ETH-USDT", tweetId: null }), post({ id: "2", pair: "ADA-USDT", tweetId: "" })],
      "x",
    );
    expect(states.map((s) => [s.pair, s.threadTip])).toEqual([
      ["ADA-USDT", null],
      ["ETH-USDT", null],
    ]);
  });
});

describe("normalisePost (§1 legacy shapes)", () => {
  it("§1 pair as an array gives its first element, upper-cased and trimmed", () => {
    expect(normalisePost({ time: at(1), pair: [" link-usdt ", "x"] }, "a")?.pair).toBe("LINK-USDT");
  });

  it("§1 tweet_id as a number, bigint or BSON Long becomes a string", () => {
    expect(normalisePost({ time: at(1), pair: "A-B", tweet_id: 1603000000000000000 }, "a")?.tweetId).toBe(
      "1603000000000000000",
    );
    expect(normalisePost({ time: at(1), pair: "A-B", tweet_id: 1603000000000000001n }, "a")?.tweetId).toBe(
      "1603000000000000001",
    );
    const long = { _bsontype: "Long", toString: () => "1603000000000000003" };
    expect(normalisePost({ time: at(1), pair: "A-B", tweet_id: long }, "a")?.tweetId).toBe(
      "1603000000000000003",
    );
    expect(normalisePost({ time: at(1), pair: "A-B", tweet_id: { $numberLong: "42" } }, "a")?.tweetId).toBe(
      "42",
    );
  });

  it("§1 tweet_id as a string is trimmed; blank, fractional or malformed ids are no id", () => {
    const idOf = (tweetId: unknown) =>
      normalisePost({ time: at(1), pair: "A-B", tweet_id: tweetId }, "a")?.tweetId;
    expect(idOf(" 1603000000000000004 ")).toBe("1603000000000000004");
    expect(idOf("   ")).toBeNull();
    expect(idOf(1.5)).toBeNull();
    expect(idOf({ _bsontype: "Int32", toString: () => "42" })).toBe("42");
    expect(idOf({ _bsontype: "Double", toString: () => "43" })).toBe("43");
    expect(idOf({ _bsontype: "Long", toString: () => " " })).toBeNull();
    expect(idOf({ _bsontype: "Long", toString: "not a function" })).toBeNull();
    expect(idOf({ _bsontype: "ObjectId", toString: () => "65a000000000000000000001" })).toBeNull();
    expect(idOf({ $numberLong: 42 })).toBeNull();
  });

  it("§1 a document without tweet_text reads as an empty text; publisher is trimmed, blank is x", () => {
    const record = normalisePost({ time: at(1), pair: "A-B", publisher: " local " }, "a");
    expect(record).toMatchObject({ tweetText: "", publisher: "local" });
    expect(normalisePost({ time: at(1), pair: "A-B", publisher: "  " }, "a")?.publisher).toBe("x");
  });

  it("§1 a legacy document reads with defaults: no tweet_id, no status, publisher x", () => {
    expect(normalisePost({ time: at(1), pair: "LINK-USDT", tweet_text: "Top…" }, "id-1")).toEqual({
      id: "id-1",
      time: at(1),
      pair: "LINK-USDT",
      tweetText: "Top…",
      tweetId: null,
      inReplyTo: null,
      publisher: "x",
      status: null,
      runId: null,
      error: null,
      thread: null,
      url: null,
    });
  });

  it("§8 capbot's own fields are read", () => {
    const record = normalisePost(
      {
        time: at(1),
        pair: "BTC-USDT",
        tweet_text: "t",
        tweet_id: "5",
        in_reply_to: "4",
        publisher: "local",
        status: "posted",
        run_id: "r1",
        error: null,
        media: "chart.png",
      },
      "b",
    );
    expect(record).toMatchObject({
      inReplyTo: "4",
      publisher: "local",
      status: "posted",
      runId: "r1",
      media: "chart.png",
    });
  });

  it("§7 what a network needs to reply (thread) and the post's url are read; a thread is a plain object or nothing", () => {
    const thread = { root: { uri: "at://did:plc:abc/app.bsky.feed.post/3k", cid: "bafy" } };
    const url = "https://bsky.app/profile/capbot.example/post/3k";
    expect(normalisePost({ time: at(1), pair: "A-B", thread, url }, "a")).toMatchObject({ thread, url });
    for (const notAThread of [null, [thread], "thread", 7]) {
      expect(normalisePost({ time: at(1), pair: "A-B", thread: notAThread }, "a")?.thread).toBeNull();
    }
    expect(normalisePost({ time: at(1), pair: "A-B", url: 7 }, "a")?.url).toBeNull();
  });

  it("documents without a valid time or pair, or with an unknown status, are left out", () => {
    expect(normalisePost({ time: "2023-01-01", pair: "A-B" }, "a")).toBeNull();
    expect(normalisePost({ time: new Date(Number.NaN), pair: "A-B" }, "a")).toBeNull();
    expect(normalisePost({ time: at(1), pair: [] }, "a")).toBeNull();
    expect(normalisePost({ time: at(1), pair: "A-B", status: "deleted" }, "a")).toBeNull();
  });
});
