// Reading the account's timeline for reconciliation (x-reconcile.ts, SPEC §8): where the search starts,
// what a page holds whatever arrived, and which post is the intent's. reconcile-check.test.ts shows the
// same end to end against the stand-in.

import { describe, expect, it } from "vitest";
import { findPost, parseTimelinePage, searchStart } from "../../src/publish/x-reconcile.js";

describe("the search (SPEC §8)", () => {
  it("starts five minutes before the intent, in the second-precision form X documents", () => {
    expect(searchStart(new Date("2026-03-02T12:00:00.123Z"))).toBe("2026-03-02T11:55:00Z");
  });
});

describe("a timeline page", () => {
  it("keeps the posts with an id and a text, and a created_at only when it is a time", () => {
    const page = parseTimelinePage({
      data: [
        { id: "1", text: "a", created_at: "2026-03-02T11:59:00.000Z" },
        null,
        "junk",
        { text: "no id" },
        { id: "3" },
        { id: 4, text: "numeric id" },
        { id: "5", text: "b", created_at: "not a time" },
        { id: "6", text: "c" },
        { id: "7", text: "d", created_at: 1_772_452_740_000 },
      ],
      meta: { result_count: 9, next_token: "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i" },
    });

    expect(page).toStrictEqual({
      posts: [
        { id: "1", text: "a", createdAt: new Date("2026-03-02T11:59:00.000Z") },
        { id: "5", text: "b", createdAt: null },
        { id: "6", text: "c", createdAt: null },
        { id: "7", text: "d", createdAt: null },
      ],
      nextToken: "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i",
    });
  });

  it("no posts and no next page when X sent none, or sent nothing readable", () => {
    const empty = { posts: [], nextToken: null };
    expect(parseTimelinePage({ meta: { result_count: 0 } })).toStrictEqual(empty);
    expect(parseTimelinePage(undefined)).toStrictEqual(empty);
    expect(parseTimelinePage(null)).toStrictEqual(empty);
    expect(parseTimelinePage({ data: [], meta: null })).toStrictEqual(empty);
    expect(parseTimelinePage({ data: [], meta: { next_token: "" } })).toStrictEqual(empty);
    expect(parseTimelinePage({ data: [], meta: { next_token: 5 } })).toStrictEqual(empty);
  });
});

describe("the intent's post", () => {
  const post = (id: string, text: string) => ({ id, text, createdAt: null });

  it("is the exact text as X gives it back: entities, NFC, and a chart's link appended", () => {
    const text = "Top Market Venues for A&B-USD:\nCafé<1>: 100.00%";
    const nfd = text.normalize("NFD");
    const posts = [
      post("1", "Top Market Venues for A&amp;B-USD:\nCafé&lt;1&gt;: 99.00%"),
      post("2", "Top Market Venues for A&amp;B-USD:\nCafé&lt;1&gt;: 100.00% https://t.co/AbC12dEf34"),
    ];
    expect(findPost(posts, nfd)?.id).toBe("2");
    expect(findPost([post("3", "Top Market Venues for A&amp;B-USD:\nCafé&lt;1&gt;: 100.00%")], nfd)?.id).toBe(
      "3",
    );
    expect(findPost(posts.slice(0, 1), text)).toBeNull();
  });
});
