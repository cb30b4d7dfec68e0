// `capbot history` formatting: newest first as given, a link for X posts only, legacy posts named.

import { describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { historyEntries, historyJson, historyTable } from "../../src/report/history.js";

function post(overrides: Partial<PostRecord>): PostRecord {
  return {
    id: "doc-1",
    time: new Date("2026-03-02T12:00:00.000Z"),
    pair: "BTC-USDT",
    tweetText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
    tweetId: "1890000000000000001",
    inReplyTo: null,
    publisher: "x",
    status: "posted",
    runId: "run-1",
    error: null,
    thread: null,
    url: null,
    ...overrides,
  };
}

const thread: PostRecord[] = [
  post({
    id: "d3",
    time: new Date("2026-03-02T14:00:00.000Z"),
    tweetId: "1890000000000000003",
    inReplyTo: "1890000000000000002",
  }),
  post({
    id: "d2",
    time: new Date("2026-03-02T13:00:00.000Z"),
    tweetId: "1890000000000000002",
    inReplyTo: "1890000000000000001",
  }),
  post({ id: "d1", time: new Date("2026-03-02T12:00:00.000Z"), tweetId: "1890000000000000001" }),
];

describe("history", () => {
  it("a table, newest first, with the reply target and the link to each X post", () => {
    const lines = historyTable(thread).trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^TIME \(UTC\)\s+PAIR\s+STATUS\s+PUBLISHER\s+POST ID\s+REPLY TO\s+LINK$/);
    expect(lines[1]).toBe(
      "2026-03-02 14:00:00  BTC-USDT  posted  x          1890000000000000003  1890000000000000002  https://x.com/i/web/status/1890000000000000003",
    );
    expect(lines[3]).toMatch(
      /^2026-03-02 12:00:00 .* 1890000000000000001 +- +https:\/\/x\.com\/i\/web\/status\/1890000000000000001$/,
    );
  });

  it("no link for local posts, failed posts or legacy posts without an id", () => {
    const entries = historyEntries([
      post({ publisher: "local", tweetId: "local-7" }),
      post({ status: "failed", tweetId: null, error: "X said: duplicate content" }),
      post({ status: null, tweetId: null }),
    ]);
    expect(entries.map((e) => e.url)).toEqual([null, null, null]);
    expect(entries.map((e) => e.status)).toEqual(["posted", "failed", "legacy"]);
    expect(entries[1]?.error).toBe("X said: duplicate content");
  });

  it("JSON: an array of objects, in the order given", () => {
    const parsed = JSON.parse(historyJson(thread)) as Record<string, unknown>[];
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed.map((p) => p["postId"])).toEqual([
      "1890000000000000003",
      "1890000000000000002",
      "1890000000000000001",
    ]);
    expect(parsed[0]).toEqual({
      time: "2026-03-02T14:00:00.000Z",
      pair: "BTC-USDT",
      status: "posted",
      publisher: "x",
      postId: "1890000000000000003",
      inReplyTo: "1890000000000000002",
      url: "https://x.com/i/web/status/1890000000000000003",
      text: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
      error: null,
    });
  });

  it("says so when there is nothing to show", () => {
    expect(historyTable([])).toBe("No posts yet.\n");
    expect(JSON.parse(historyJson([]))).toEqual([]);
  });
});
