// Reconciling a dead run's intent on Mastodon (SPEC §8): by its Idempotency-Key within the hour (a
// look-up that can never create a status), else among the account's statuses by their source text; the
// doctor line (one read of the account); the instance's text limit (SPEC §6). Against the stand-in.

import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { fitsLimit } from "../../src/core/limits.js";
import { idempotencyKey } from "../../src/publish/mastodon/key.js";
import { NOW, pendingIntent } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { useMastodonStandIn } from "./harness.js";
import { MASTODON_ANSWERS, toHtml } from "./stand-in.js";

const { standIn, output, publisherFor } = useMastodonStandIn();

/** A pending intent left by a run that died. */
const intent = (fields: Parameters<typeof pendingIntent>[1]) => pendingIntent("mastodon", fields);

afterEach(() => {
  expect(standIn.requests.every((r) => r.authProblem === null)).toBe(true);
});

const TEXT = "Top Market Venues for AT&T-USD:\nA<B: 60.00%\nC>D: 40.00%";
const INTENT_TIME = new Date(NOW.getTime() - 20 * 60_000);
const STATUSES = "POST /api/v1/statuses";
const LISTING = "GET /api/v1/accounts/:id/statuses";
const SOURCE = "GET /api/v1/statuses/:id/source";

/** A dead run's status: the instance made it, the run never heard (and died before recording it). */
async function unheardPublish(text: string, intentId: string, inReplyTo: string | null = null) {
  standIn.script(STATUSES, { drop: true, act: true });
  const { publisher } = publisherFor({ maxAttempts: 1 });
  await publisher
    .publish(request({ intentId, text, inReplyTo, intentTime: INTENT_TIME }))
    .then(() => expect.fail("the publish should have been uncertain"))
    .catch((err: unknown) => expect(err).toMatchObject({ uncertain: true }));
  const [made] = [...standIn.statuses.values()];
  if (!made) throw new Error("the stand-in made no status");
  standIn.requests.length = 0;
  return made;
}

describe("reconcile by the Idempotency-Key, within the hour (SPEC §8)", () => {
  it("the key made a status: posted with its id, time and url, and the look-up created nothing", async () => {
    const made = await unheardPublish(TEXT, "65f0c0ffee00000000000001");
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(
      intent({ id: "65f0c0ffee00000000000001", tweetText: TEXT, time: INTENT_TIME }),
    );

    expect(verdict).toEqual({
      status: "posted",
      id: made.id,
      time: made.createdAt,
      inReplyTo: null,
      thread: null,
      url: standIn.statusUrl(made.id),
    });
    const probe = standIn.requestsOn(STATUSES);
    expect(probe).toHaveLength(1);
    expect(probe[0]?.body).toEqual({ status: "" });
    expect(probe[0]?.headers["idempotency-key"]).toBe("capbot-65f0c0ffee00000000000001");
    expect(standIn.statuses.size).toBe(1);
    expect(standIn.requestsOn(LISTING)).toHaveLength(0);
  });

  it("an unknown key cannot create a status (no text, no media): 422, then the account's statuses decide", async () => {
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent({ tweetText: TEXT, time: INTENT_TIME }));

    expect(standIn.requestsOn(STATUSES)).toHaveLength(1);
    expect(standIn.statuses.size).toBe(0);
    expect(standIn.requestsOn(LISTING)).toHaveLength(1);
    expect(verdict).toEqual({
      status: "failed",
      error: `not found among @capbot's statuses since ${new Date(INTENT_TIME.getTime() - 5 * 60_000).toISOString()}: it did not go out`,
    });
  });

  it("the key's status was deleted since: unknown, never failed", async () => {
    const made = await unheardPublish(TEXT, "65f0c0ffee00000000000002");
    standIn.statuses.delete(made.id);
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(
      intent({ id: "65f0c0ffee00000000000002", tweetText: TEXT, time: INTENT_TIME }),
    );

    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.reason).toContain("deleted");
  });

  it("idempotencyKey: always a valid header value, the same for the same intent, different for different ones", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const key = idempotencyKey(a);
        expect(key).toMatch(/^capbot-[A-Za-z0-9_-]{1,64}$/);
        expect(idempotencyKey(a)).toBe(key);
        if (a !== b) expect(idempotencyKey(b)).not.toBe(key);
      }),
    );
    expect(idempotencyKey("65f0c0ffee0000000000abcd")).toBe("capbot-65f0c0ffee0000000000abcd");
  });
});

describe("reconcile among the account's statuses, by their source (SPEC §8)", () => {
  it("beyond the key's hour: found by its source text although its HTML content differs", async () => {
    const made = await unheardPublish(TEXT, "65f0c0ffee00000000000003");
    standIn.seedStatus({
      id: "120000000000000001",
      text: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
      createdAt: NOW,
    });
    standIn.now = () => new Date(NOW.getTime() + 2 * 3600_000);
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(
      intent({ id: "65f0c0ffee00000000000003", tweetText: TEXT, time: INTENT_TIME }),
    );

    expect(toHtml(TEXT)).not.toBe(TEXT);
    expect(verdict).toMatchObject({ status: "posted", id: made.id, url: standIn.statusUrl(made.id) });
    const listing = standIn.requestsOn(LISTING);
    expect(listing.map((r) => r.path)).toEqual([`/api/v1/accounts/${standIn.account.id}/statuses`]);
    expect(listing[0]?.query).toMatchObject({ limit: "40", exclude_reblogs: "true" });
  });

  it("only statuses replying to the intent's target or to nothing are read; the closest in time first", async () => {
    const target = "100000000000000001";
    standIn.seedStatus({
      id: target,
      text: "the thread's tip",
      createdAt: new Date(NOW.getTime() - 86400_000),
    });
    standIn.seedStatus({
      id: "120000000000000010",
      text: TEXT,
      createdAt: new Date(INTENT_TIME.getTime() + 1000),
      inReplyToId: "100000000000000099",
    });
    standIn.seedStatus({
      id: "120000000000000011",
      text: "other",
      createdAt: new Date(INTENT_TIME.getTime() + 50_000),
      inReplyToId: target,
    });
    standIn.seedStatus({
      id: "120000000000000012",
      text: TEXT,
      createdAt: new Date(INTENT_TIME.getTime() + 2000),
      inReplyToId: target,
    });
    standIn.now = () => new Date(NOW.getTime() + 2 * 3600_000);
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(
      intent({ tweetText: TEXT, time: INTENT_TIME, inReplyTo: target }),
    );

    expect(verdict).toMatchObject({ status: "posted", id: "120000000000000012" });
    expect(standIn.requestsOn(SOURCE).map((r) => r.path)).toEqual([
      "/api/v1/statuses/120000000000000012/source",
    ]);
  });

  it("follows the account's pages back to a little before the intent", async () => {
    for (let i = 0; i < 60; i++) {
      standIn.seedStatus({
        id: String(130_000_000_000_000_000n + BigInt(i)),
        text: `post ${i}`,
        createdAt: new Date(INTENT_TIME.getTime() + i * 1000),
      });
    }
    standIn.now = () => new Date(NOW.getTime() + 2 * 3600_000);
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent({ tweetText: "post 3", time: INTENT_TIME }));

    expect(verdict).toMatchObject({ status: "posted", id: "130000000000000003" });
    expect(standIn.requestsOn(LISTING)).toHaveLength(2);
    expect(standIn.requestsOn(LISTING)[1]?.query["max_id"]).toBe("130000000000000020");
  });

  it("more statuses since the intent than it looks through: unknown, never failed", async () => {
    for (let i = 0; i < 210; i++) {
      standIn.seedStatus({
        id: String(140_000_000_000_000_000n + BigInt(i)),
        text: `post ${i}`,
        createdAt: new Date(INTENT_TIME.getTime() + i * 1000),
      });
    }
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent({ tweetText: TEXT, time: INTENT_TIME }));

    expect(verdict.status).toBe("unknown");
    expect(standIn.requestsOn(LISTING)).toHaveLength(5);
  });

  it("a token without read:statuses, and no answer by key: unknown, naming the scope", async () => {
    standIn.scopes = ["write:statuses", "write:media", "read:accounts"];
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent({ tweetText: TEXT, time: INTENT_TIME }));

    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.reason).toContain("read:statuses");
  });

  it("the instance out of reach: unknown", async () => {
    standIn.script(STATUSES, ...Array(3).fill(MASTODON_ANSWERS.unavailable));
    standIn.script(
      "GET /api/v1/accounts/verify_credentials",
      ...Array(3).fill(MASTODON_ANSWERS.proxyPage(502)),
    );
    const { publisher } = publisherFor();
    const verdict = await publisher.reconcile(intent({ tweetText: TEXT, time: INTENT_TIME }));

    expect(verdict.status).toBe("unknown");
    if (verdict.status === "unknown") output.push(verdict.reason);
  });

  it("verify_credentials is asked once per process", async () => {
    const { publisher } = publisherFor();
    await publisher.reconcile(intent({ tweetText: TEXT, time: INTENT_TIME }));
    await publisher.reconcile(
      intent({ id: "65f0c0ffee00000000000009", tweetText: "another", time: INTENT_TIME }),
    );
    await publisher.check();

    expect(standIn.requestsOn("GET /api/v1/accounts/verify_credentials")).toHaveLength(1);
    expect(standIn.requestsOn(LISTING)).toHaveLength(2);
  });
});

describe("doctor (SPEC §9)", () => {
  it("names the account and the instance", async () => {
    const { publisher } = publisherFor();
    const check = await publisher.check();

    expect(check).toEqual({
      name: "publisher mastodon",
      ok: true,
      detail: `Mastodon account @capbot on ${new URL(standIn.url).host}`,
    });
    expect(standIn.requests.map((r) => r.route)).toEqual(["GET /api/v1/accounts/verify_credentials"]);
  });

  it("a refused token: not ok, exit 4, and the fix names MASTODON_ACCESS_TOKEN", async () => {
    const { publisher } = publisherFor({ accessToken: "fake-other-mastodon-token-11111" });
    const check = await publisher.check();
    output.push(check.detail, check.fix ?? "");
    standIn.requests.length = 0;

    expect(check).toMatchObject({ ok: false, exitCode: 4 });
    expect(check.detail).toContain("The access token is invalid");
    expect(check.fix).toContain("MASTODON_ACCESS_TOKEN");
  });

  it("a token without read:accounts: says which scope, and the fix lists every scope capbot needs", async () => {
    standIn.scopes = ["write:statuses", "write:media"];
    const { publisher } = publisherFor();
    const check = await publisher.check();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("lacks the read:accounts scope");
    expect(check.fix).toContain("write:statuses write:media read:accounts read:statuses");
  });

  it("a silent instance fails within the configured time, not never", async () => {
    standIn.script("GET /api/v1/accounts/verify_credentials", { hang: true });
    const { publisher } = publisherFor({ timeoutMs: 200, maxAttempts: 1 });
    const check = await publisher.check();
    output.push(check.detail);

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("0.2 s");
    expect(check.fix).toContain("MASTODON_URL");
  });
});

describe("the text limit (SPEC §6)", () => {
  it("the instance's max_characters, in graphemes, asked once", async () => {
    standIn.maxCharacters = 1000;
    const { publisher } = publisherFor();
    const limit = await publisher.textLimit();
    await publisher.textLimit();

    expect(limit).toEqual({ kind: "graphemes", max: 1000 });
    expect(standIn.requestsOn("GET /api/v2/instance")).toHaveLength(1);
    // Mastodon 4 counts a flag (two code points, four UTF-16 units) as one character.
    expect(fitsLimit("🇺🇸".repeat(1000), limit)).toBe(true);
  });

  it("an instance that cannot say: 500 with a warning, and asked again next time", async () => {
    standIn.script("GET /api/v2/instance", MASTODON_ANSWERS.proxyPage(502));
    const { publisher, logs, sleeps } = publisherFor();
    const first = await publisher.textLimit();
    standIn.maxCharacters = 5000;
    const second = await publisher.textLimit();

    expect(first).toEqual({ kind: "graphemes", max: 500 });
    expect(second).toEqual({ kind: "graphemes", max: 5000 });
    expect(sleeps).toEqual([]);
    expect(logs.some((l) => l.includes('"level":40') && l.includes("assuming 500"))).toBe(true);
  });
});
