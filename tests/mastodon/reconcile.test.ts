// Reconciling on Mastodon (reconcile.ts, SPEC §8) against a scripted client instead of the stand-in: the
// edges of the account's pages (where the look-back stops, how many statuses are read), which statuses
// can be the intent's, and which failures leave the outcome unknown rather than failed. The stand-in
// suite (reconcile-check.test.ts) shows the same rules over HTTPS on ordinary histories.

import { describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { type Action, type Call, MastodonCallError } from "../../src/publish/mastodon/call.js";
import type { MastodonFailure } from "../../src/publish/mastodon/errors.js";
import { reconcileIntent } from "../../src/publish/mastodon/reconcile.js";
import { pendingIntent } from "../publish/harness.js";

const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nOthers: 58.80%";
const INTENT_TIME = new Date("2026-03-02T12:00:00.000Z");
/** The look-back starts five minutes before the intent (SEARCH_SLACK_MS). */
const SINCE = new Date(INTENT_TIME.getTime() - 5 * 60_000);
const ACCOUNT = { id: "109", acct: "capbot" };
const at = (offsetMs: number) => new Date(INTENT_TIME.getTime() + offsetMs).toISOString();

const intent = (fields: Partial<PostRecord> = {}): PostRecord =>
  pendingIntent("mastodon", { time: INTENT_TIME, tweetText: TEXT, ...fields });

function callError(failure: MastodonFailure): MastodonCallError {
  return new MastodonCallError(
    failure,
    false,
    1,
    { doing: "reading" },
    "mastodon.example",
    INTENT_TIME,
    "final",
  );
}
const NOT_FOUND = () => callError({ kind: "refused", status: 404, said: "404 Record not found" });
const UNKNOWN_KEY = () =>
  callError({ kind: "refused", status: 422, said: "422 Validation failed: Text can't be blank" });

interface Status {
  id: string;
  createdAt?: string | null;
  inReplyToId?: string | null;
  reblog?: object | null;
  url?: string;
}
const status = (id: string, createdAt: string | null, extra: Partial<Status> = {}): Status => ({
  id,
  createdAt,
  inReplyToId: null,
  reblog: null,
  url: `https://mastodon.example/@capbot/${id}`,
  ...extra,
});

/**
 * A client whose key look-up fails as an unknown key does, whose pages are `pages` in order, and whose
 * sources are `sources` (a thrown value: that failure). Records the listing's parameters and the sources read.
 */
function scripted(pages: unknown[], sources: Record<string, string | Error> = {}) {
  const listed: unknown[] = [];
  const read: string[] = [];
  const api = {
    v1: {
      statuses: {
        create: async () => Promise.reject(UNKNOWN_KEY()),
        $select: (id: string) => ({
          source: {
            fetch: async () => {
              read.push(id);
              const s = sources[id];
              if (s instanceof Error) throw s;
              return { id, text: s ?? "another text" };
            },
          },
        }),
      },
      accounts: {
        $select: () => ({
          statuses: {
            list: async (params: unknown) => {
              listed.push(params);
              return pages.shift() ?? [];
            },
          },
        }),
      },
    },
  };
  const call = (async (_action: Action, fn: (api: never, meta: never) => Promise<unknown>) =>
    fn(api as never, {} as never)) as Call;
  return { call, listed, read, reconcile: (i = intent()) => reconcileIntent(call, async () => ACCOUNT, i) };
}

/** `n` statuses of the account, newest first, one second apart from `fromMs` after the intent backwards. */
const many = (n: number, fromMs: number, extra: Partial<Status> = {}, prefix = "s") =>
  Array.from({ length: n }, (_, i) => status(`${prefix}${i}`, at(fromMs - i * 1000), extra));

describe("which statuses can be the intent's (SPEC §8)", () => {
  it("the closest in time to the intent are read first; one without a time last", async () => {
    const s = scripted([
      [
        status("late", at(60_000)),
        status("undated", null),
        status("close", at(1000)),
        status("early", at(-120_000)),
      ],
    ]);
    const verdict = await s.reconcile();
    expect(s.read).toEqual(["close", "late", "early", "undated"]);
    expect(verdict).toMatchObject({ status: "failed" });
  });

  it("one without a time can still be the intent's: posted at the intent's time", async () => {
    const s = scripted([[status("undated", null)]], { undated: TEXT });
    expect(await s.reconcile()).toEqual({
      status: "posted",
      id: "undated",
      time: INTENT_TIME,
      inReplyTo: null,
      thread: null,
      url: "https://mastodon.example/@capbot/undated",
    });
  });

  it("from the look-back's first moment on, and not before it", async () => {
    const onTheDot = scripted([[status("first", SINCE.toISOString())]], { first: TEXT });
    expect(await onTheDot.reconcile()).toMatchObject({ status: "posted", id: "first" });
    const before = scripted([[status("older", new Date(SINCE.getTime() - 1).toISOString())]], {
      older: TEXT,
    });
    expect(await before.reconcile()).toMatchObject({ status: "failed" });
    expect(before.read).toEqual([]);
  });

  it("not a boost, nor a reply to another post; a reply to the intent's target or to nothing", async () => {
    const s = scripted(
      [
        [
          status("boost", at(1000), { reblog: { id: "x" } }),
          status("elsewhere", at(2000), { inReplyToId: "other" }),
          status("thread", at(3000), { inReplyToId: "target" }),
          status("restarted", at(4000)),
        ],
      ],
      { boost: TEXT, elsewhere: TEXT },
    );
    expect(await s.reconcile(intent({ inReplyTo: "target" }))).toMatchObject({ status: "failed" });
    expect(s.read).toEqual(["thread", "restarted"]);
  });

  it("entries that are not statuses are passed over", async () => {
    const s = scripted([[{ not: "a status" }, null, status("real", at(1000))]], { real: TEXT });
    expect(await s.reconcile()).toMatchObject({ status: "posted", id: "real" });
  });
});

describe("how far it looks", () => {
  it("asks the first page without a max_id, then each next one before the oldest seen", async () => {
    const s = scripted([many(40, 0), many(2, -40_000, {}, "t")]);
    await s.reconcile();
    expect(s.listed).toEqual([
      { limit: 40, excludeReblogs: true },
      { limit: 40, excludeReblogs: true, maxId: "s39" },
    ]);
  });

  it("a short page is the last", async () => {
    const s = scripted([many(39, 0, { inReplyToId: "other" }), many(40, -60_000, {}, "t")]);
    expect(await s.reconcile()).toMatchObject({ status: "failed" });
    expect(s.listed).toHaveLength(1);
  });

  it("a full page reaching past the look-back's start is the last: failed when nothing matched", async () => {
    const page = [...many(19, 0), ...many(21, -10 * 60_000, {}, "old")];
    const s = scripted([page, many(40, -20 * 60_000, {}, "t")]);
    expect(await s.reconcile()).toMatchObject({ status: "failed" });
    expect(s.listed).toHaveLength(1);
  });

  it("a full page ending exactly at the look-back's start is not the last", async () => {
    const page = [...many(39, 0), status("edge", SINCE.toISOString())];
    const s = scripted([page, []]);
    await s.reconcile();
    expect(s.listed).toHaveLength(2);
  });

  it("a full page whose oldest status has no time is not the last", async () => {
    const page = [
      ...many(39, 0, { inReplyToId: "other" }),
      status("undated", null, { inReplyToId: "other" }),
    ];
    const s = scripted([page, []]);
    expect(await s.reconcile()).toMatchObject({ status: "failed" });
    expect(s.listed).toHaveLength(2);
  });

  it("five full pages still since the intent: unknown, though none of them could be the intent's", async () => {
    const pages = Array.from({ length: 6 }, (_, p) =>
      many(40, -p * 40_000, { inReplyToId: "other" }, `p${p}-`),
    );
    const s = scripted(pages);
    const verdict = await s.reconcile();
    expect(s.listed).toHaveLength(5);
    expect(verdict).toEqual({
      status: "unknown",
      reason: `too many of @capbot's statuses since ${SINCE.toISOString()} to look through; the post was not looked for further`,
    });
  });

  it("reads twenty sources at most, the closest first: more candidates than that is unknown", async () => {
    const s = scripted([many(21, 0)], { s20: TEXT });
    expect(await s.reconcile()).toMatchObject({ status: "unknown" });
    expect(s.read).toEqual(many(20, 0).map((x) => x.id));
  });

  it("twenty candidates, none of them the intent's: failed", async () => {
    const s = scripted([many(20, 0)]);
    expect(await s.reconcile()).toMatchObject({ status: "failed" });
    expect(s.read).toHaveLength(20);
  });
});

describe("failures while looking", () => {
  it("a status deleted between the list and its source is passed over", async () => {
    const s = scripted([[status("deleted", at(1000)), status("kept", at(2000))]], {
      deleted: NOT_FOUND(),
      kept: TEXT,
    });
    expect(await s.reconcile()).toMatchObject({ status: "posted", id: "kept" });
  });

  it.each([
    [
      "a server's failure",
      callError({ kind: "server", status: 500, said: "500 Internal error", maybeSent: false }),
    ],
    ["another refusal", callError({ kind: "refused", status: 403, said: "403 Forbidden" })],
  ])("%s reading a source: unknown, never failed", async (_, err) => {
    const s = scripted([[status("one", at(1000))]], { one: err });
    expect(await s.reconcile()).toEqual({ status: "unknown", reason: err.message });
  });

  it("a bug anywhere is not taken for an unknown outcome: it surfaces as it is", async () => {
    const bug = new TypeError("Cannot read properties of undefined");
    const inSource = scripted([[status("one", at(1000))]], { one: bug });
    await expect(inSource.reconcile()).rejects.toBe(bug);

    const inKey = scripted([]);
    const byKey: Call = (action, fn, options) =>
      action.doing.includes("Idempotency-Key") ? Promise.reject(bug) : inKey.call(action, fn, options);
    await expect(reconcileIntent(byKey, async () => ACCOUNT, intent())).rejects.toBe(bug);

    await expect(reconcileIntent(inKey.call, async () => Promise.reject(bug), intent())).rejects.toBe(bug);
  });
});
