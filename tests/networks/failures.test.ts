// Issue 14 end to end, the bad days: `capbot run` (the built CLI) with X, Bluesky, Mastodon and Telegram
// configured, one network at a time misbehaving as the real service would — refused credentials, 5xx
// until the attempts run out, a rate limit, a deleted reply target, a connection that breaks after the
// network acted, a proxy's error page that quotes the request back — and the others carrying on
// (SPEC §8: a failure on one network never stops the others; `partial`, exit 4). After each test every
// byte the children printed, and the step summary, is searched for the stand-ins' fake secrets.

import { describe, expect, it } from "vitest";
import { BSKY_ANSWERS, FAKE_ACCOUNT } from "../bluesky/stand-in.js";
import { MASTODON_ANSWERS } from "../mastodon/stand-in.js";
import { closedPort } from "../publish/harness.js";
import { CHANNEL, TELEGRAM_ANSWERS } from "../telegram/stand-in.js";
import { FAKE_KEYS, X_ANSWERS } from "../x/stand-in.js";
import { hour, NETWORKS, type Network, postOn, type RunJson, useNetworks } from "./harness.js";

const { s, bot, otherSecrets } = useNetworks();

const CREATES = {
  x: "POST /2/tweets",
  bluesky: "POST com.atproto.repo.createRecord",
  mastodon: "POST /api/v1/statuses",
  telegram: "sendPhoto",
} as const;

/** How many requests to create a post each network received. */
function creates(): Record<Network, number> {
  return {
    x: s.x.requestsOn(CREATES.x).length,
    bluesky: s.bluesky.requestsOn(CREATES.bluesky).length,
    mastodon: s.mastodon.requestsOn(CREATES.mastodon).length,
    telegram: s.telegram.requestsOn(CREATES.telegram).length,
  };
}

/** How many posts each network holds. */
function held(): Record<Network, number> {
  return {
    x: s.x.posts.size,
    bluesky: s.bluesky.posts.size,
    mastodon: s.mastodon.statuses.size,
    telegram: s.telegram.messagesIn().length,
  };
}

function statuses(result: RunJson): Record<string, string> {
  return Object.fromEntries(result.posts.map((p) => [p.publisher, p.status]));
}

describe("one network fails, the others post (end to end)", () => {
  it("§8 Bluesky refuses the app password: partial, exit 4, the error names the setting, the others posted", async () => {
    otherSecrets.push("wrong-fake-bsky-app-password");
    const { exit, result } = await bot.run(0, { BLUESKY_APP_PASSWORD: "wrong-fake-bsky-app-password" });

    expect(exit.code).toBe(4);
    expect(result.status).toBe("partial");
    expect(statuses(result)).toEqual({
      x: "posted",
      bluesky: "failed",
      mastodon: "posted",
      telegram: "posted",
    });
    const refused = postOn(result, "bluesky");
    expect(refused).toMatchObject({
      postId: null,
      url: null,
      error: expect.stringContaining("BLUESKY_APP_PASSWORD"),
    });
    // With several publishers, each failure in the run's error says where it happened.
    expect(result.error).toBe(`bluesky: ${refused.error}`);
    // Refused at once, never retried: one login (the chart's upload stops there too), nothing created.
    expect(s.bluesky.requestsOn("POST com.atproto.server.createSession")).toHaveLength(1);
    expect(s.bluesky.requestsOn(CREATES.bluesky)).toHaveLength(0);
    expect(held()).toEqual({ x: 1, bluesky: 0, mastodon: 1, telegram: 1 });

    const history = await bot.history();
    expect(history.find((h) => h.publisher === "bluesky")).toMatchObject({
      status: "failed",
      postId: null,
      error: refused.error,
    });
    const summary = bot.summary();
    expect(summary).toContain("## capbot posted BTC-USDT on some networks only (exit 4)");
    expect(summary).toMatch(/- Bluesky: failed: Bluesky refused the login .*BLUESKY\\_APP\\_PASSWORD/);
    expect(summary).toContain(`[View the post on Mastodon](${postOn(result, "mastodon").url})`);
  });

  it("§9 X, Mastodon and Telegram refuse the post (401): each fails at once naming its settings; Bluesky posts", async () => {
    s.x.script(CREATES.x, X_ANSWERS.unauthorized);
    s.mastodon.script(CREATES.mastodon, MASTODON_ANSWERS.unauthorized);
    s.telegram.script(CREATES.telegram, TELEGRAM_ANSWERS.unauthorized);
    const { exit, result } = await bot.run(0);

    expect(exit.code).toBe(4);
    expect(result.status).toBe("partial");
    expect(statuses(result)).toEqual({
      x: "failed",
      bluesky: "posted",
      mastodon: "failed",
      telegram: "failed",
    });
    expect(postOn(result, "x").error).toContain("TW_ACCESS_TOKEN");
    expect(postOn(result, "mastodon").error).toContain("MASTODON_ACCESS_TOKEN");
    expect(postOn(result, "telegram").error).toContain("TELEGRAM_BOT_TOKEN");
    expect(creates()).toEqual({ x: 1, bluesky: 1, mastodon: 1, telegram: 1 });
    const failed = (await bot.history()).filter((h) => h.status === "failed");
    expect(failed.map((h) => h.publisher).sort()).toEqual(["mastodon", "telegram", "x"]);
  });

  it("§9 Mastodon answers 503 until the attempts run out: failed after them, the others posted", async () => {
    s.mastodon.script(CREATES.mastodon, MASTODON_ANSWERS.unavailable, MASTODON_ANSWERS.unavailable);
    const { exit, result } = await bot.run(0, { CAPBOT_MAX_ATTEMPTS: "2" });

    expect(exit.code).toBe(4);
    expect(result.status).toBe("partial");
    expect(statuses(result)).toEqual({
      x: "posted",
      bluesky: "posted",
      mastodon: "failed",
      telegram: "posted",
    });
    expect(postOn(result, "mastodon").error).toMatch(/503 .*Gave up after 2 attempts\./);
    expect(creates().mastodon).toBe(2);
    expect(held()).toEqual({ x: 1, bluesky: 1, mastodon: 0, telegram: 1 });
  });

  it("§9 a 429 whose reset is within the wait is waited for on every network, then each posts once", async () => {
    const soon = (): number => Math.floor(Date.now() / 1000) + 1;
    s.x.script(CREATES.x, X_ANSWERS.tooManyRequests(soon()));
    s.bluesky.script(CREATES.bluesky, BSKY_ANSWERS.tooManyRequests(soon()));
    s.mastodon.script(CREATES.mastodon, MASTODON_ANSWERS.tooManyRequests(new Date(soon() * 1000)));
    s.telegram.script(CREATES.telegram, TELEGRAM_ANSWERS.tooManyRequests(1));
    const { exit, result } = await bot.run(0);

    expect(exit.code).toBe(0);
    expect(result.status).toBe("posted");
    expect(creates()).toEqual({ x: 2, bluesky: 2, mastodon: 2, telegram: 2 });
    expect(held()).toEqual({ x: 1, bluesky: 1, mastodon: 1, telegram: 1 });
    const waits = exit.stderr.split("\n").filter((l) => /rate limit/i.test(l) && /wait/i.test(l));
    expect(waits.length).toBeGreaterThanOrEqual(4);
  });

  it("§9 a 429 that resets later than CAPBOT_MAX_RATE_LIMIT_WAIT fails that network at once", async () => {
    s.bluesky.script(CREATES.bluesky, BSKY_ANSWERS.tooManyRequests(Date.now() / 1000 + 3600));
    const { exit, result } = await bot.run(0, { CAPBOT_MAX_RATE_LIMIT_WAIT: "30s" });

    expect(exit.code).toBe(4);
    expect(statuses(result)).toEqual({
      x: "posted",
      bluesky: "failed",
      mastodon: "posted",
      telegram: "posted",
    });
    expect(creates().bluesky).toBe(1);
    expect(s.bluesky.posts.size).toBe(0);
  });

  it("§7 a deleted reply target restarts that network's thread only", async () => {
    const first = (await bot.run(0)).result;
    s.bluesky.deletePost(String(postOn(first, "bluesky").postId));
    s.telegram.deleteMessage(CHANNEL.id, Number(postOn(first, "telegram").postId));
    const second = (await bot.run(1)).result;

    expect(second.status).toBe("posted");
    expect(Object.fromEntries(second.posts.map((p) => [p.publisher, p.inReplyTo]))).toEqual({
      x: postOn(first, "x").postId,
      bluesky: null,
      mastodon: postOn(first, "mastodon").postId,
      telegram: null,
    });
    // Bluesky looked first and sent no reply to a post that is gone; Telegram let go of the reply itself.
    const secondSkeet = s.bluesky.posts.get(String(postOn(second, "bluesky").postId).split("/").pop() ?? "");
    expect(secondSkeet?.value["reply"]).toBeUndefined();
    expect(s.telegram.messagesIn().at(-1)?.replyTo).toBeNull();

    s.x.posts.delete(String(postOn(second, "x").postId));
    s.mastodon.statuses.delete(String(postOn(second, "mastodon").postId));
    const third = (await bot.run(2)).result;

    expect(third.status).toBe("posted");
    expect(Object.fromEntries(third.posts.map((p) => [p.publisher, p.inReplyTo]))).toEqual({
      x: null,
      bluesky: postOn(second, "bluesky").postId,
      mastodon: null,
      telegram: postOn(second, "telegram").postId,
    });
    // X and Mastodon refused the reply, then took the post as a new thread: one post each, no more.
    expect(creates()).toEqual({ x: 4, bluesky: 3, mastodon: 4, telegram: 3 });
    const thirdSkeet = s.bluesky.posts.get(String(postOn(third, "bluesky").postId).split("/").pop() ?? "");
    const root = s.bluesky.posts.get(String(postOn(second, "bluesky").postId).split("/").pop() ?? "");
    expect(thirdSkeet?.value["reply"]).toEqual({
      root: { uri: root?.uri, cid: root?.cid },
      parent: { uri: root?.uri, cid: root?.cid },
    });
    const history = await bot.history();
    expect(
      history
        .filter((h) => h.inReplyTo === null)
        .map((h) => h.publisher)
        .sort(),
    ).toEqual(["bluesky", "bluesky", "mastodon", "mastodon", "telegram", "telegram", "x", "x"]);
    expect(bot.summary()).toMatch(/Warning: x: the reply target \d+ is gone: started a new thread/);
  });
});

describe("an uncertain publish is left pending and the next run reconciles it (end to end)", () => {
  /** The connection breaks after the network acted, and there is no second attempt: pending on three. */
  async function dropAfterActing(): Promise<RunJson> {
    for (const network of ["bluesky", "mastodon", "telegram"] as const) {
      s[network].script(CREATES[network], { drop: true, act: true });
    }
    const { exit, result } = await bot.run(0, { CAPBOT_MAX_ATTEMPTS: "1" });
    expect(exit.code).toBe(4);
    expect(result.status).toBe("partial");
    expect(statuses(result)).toEqual({
      x: "posted",
      bluesky: "pending",
      mastodon: "pending",
      telegram: "pending",
    });
    expect(postOn(result, "bluesky").error).toMatch(/may have gone out/);
    expect(held()).toEqual({ x: 1, bluesky: 1, mastodon: 1, telegram: 1 });
    const history = await bot.history();
    expect(history.map((h) => [h.publisher, h.status]).sort()).toEqual([
      ["bluesky", "pending"],
      ["mastodon", "pending"],
      ["telegram", "pending"],
      ["x", "posted"],
    ]);
    return result;
  }

  it("§8 Bluesky's record is found under its derived key, Mastodon's by its key, Telegram's is unknown: nothing twice", async () => {
    await dropAfterActing();
    const [rkey] = s.bluesky.posts.keys();
    const [statusId] = s.mastodon.statuses.keys();
    const next = await bot.run(1);

    expect(next.exit.code).toBe(0);
    expect(s.bluesky.requestsOn("GET com.atproto.repo.getRecord").map((r) => r.query["rkey"])).toContain(
      rkey,
    );
    const history = await bot.history();
    const first = (network: Network) => history.filter((h) => h.publisher === network).at(-1);
    expect(first("bluesky")).toMatchObject({
      status: "posted",
      postId: s.bluesky.posts.get(rkey ?? "")?.uri,
      url: `https://bsky.app/profile/${FAKE_ACCOUNT.did}/post/${rkey}`,
    });
    expect(first("mastodon")).toMatchObject({ status: "posted", postId: statusId });
    expect(first("telegram")).toMatchObject({ status: "unknown", postId: null });
    expect(first("telegram")?.error).toMatch(/cannot read a channel's messages back/);

    // The reconciled posts are the threads' tips; Telegram's unknown one is never replied to.
    expect(Object.fromEntries(next.result.posts.map((p) => [p.publisher, p.inReplyTo]))).toEqual({
      x: [...s.x.posts.keys()][0],
      bluesky: s.bluesky.posts.get(rkey ?? "")?.uri,
      mastodon: statusId,
      telegram: null,
    });
    expect([...s.bluesky.posts.values()].map((p) => p.replyProblem)).toEqual([null, null]);
    // One post per intent on each network: the dead intent's was never sent again.
    expect(held()).toEqual({ x: 2, bluesky: 2, mastodon: 2, telegram: 2 });
    const keys = s.mastodon.requestsOn(CREATES.mastodon).map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(2);
  });

  it("§8 the connection breaks after each network acted and capbot tries again: found, refused as duplicate, or never repeated", async () => {
    for (const network of NETWORKS) s[network].script(CREATES[network], { drop: true, act: true });
    const { exit, result } = await bot.run(0);

    // Bluesky looks under the key before trying again, Mastodon's retry carries the same Idempotency-Key:
    // both find the post. X refuses the repeat as duplicate content: uncertain. Telegram never repeats.
    expect(exit.code).toBe(4);
    expect(statuses(result)).toEqual({
      x: "pending",
      bluesky: "posted",
      mastodon: "posted",
      telegram: "pending",
    });
    expect(creates()).toEqual({ x: 2, bluesky: 1, mastodon: 2, telegram: 1 });
    expect(postOn(result, "bluesky").postId).toBe([...s.bluesky.posts.values()][0]?.uri);
    expect(postOn(result, "mastodon").postId).toBe([...s.mastodon.statuses.keys()][0]);

    const next = await bot.run(1);
    expect(next.result.status).toBe("posted");
    const [firstTweet] = s.x.posts.keys();
    const oldest = (await bot.history()).slice(-4);
    expect(Object.fromEntries(oldest.map((h) => [h.publisher, [h.status, h.postId]]))).toEqual({
      x: ["posted", firstTweet],
      bluesky: ["posted", postOn(result, "bluesky").postId],
      mastodon: ["posted", postOn(result, "mastodon").postId],
      telegram: ["unknown", null],
    });
    expect(held()).toEqual({ x: 2, bluesky: 2, mastodon: 2, telegram: 2 });
  });

  it("§8 Mastodon's key forgotten (after its hour): the status is found among the account's statuses", async () => {
    await dropAfterActing();
    const [statusId] = s.mastodon.statuses.keys();
    s.mastodon.keys.clear();
    const next = await bot.run(1);

    expect(next.exit.code).toBe(0);
    expect(s.mastodon.requestsOn("GET /api/v1/accounts/:id/statuses").length).toBeGreaterThan(0);
    expect(s.mastodon.requestsOn("GET /api/v1/statuses/:id/source").map((r) => r.path)).toContain(
      `/api/v1/statuses/${statusId}/source`,
    );
    const mastodon = (await bot.history()).filter((h) => h.publisher === "mastodon");
    expect(mastodon.map((h) => [h.status, h.postId, h.inReplyTo])).toEqual([
      ["posted", postOn(next.result, "mastodon").postId, statusId],
      ["posted", statusId, null],
    ]);
    expect(s.mastodon.statuses.size).toBe(2);
  });
});

describe("no secret in any output, whatever a network sends back (end to end)", () => {
  /** A misconfigured proxy's page quoting X's signed request: the consumer key and token in the header. */
  const xEcho = {
    status: 401,
    body: `<html><body><h1>401</h1><pre>POST /2/tweets\nauthorization: OAuth oauth_consumer_key="${FAKE_KEYS.consumerKey}", oauth_token="${FAKE_KEYS.accessToken}", oauth_signature="c2lnbmF0dXJl"\nx-debug-secrets: ${FAKE_KEYS.consumerSecret}&${FAKE_KEYS.accessSecret}</pre></body></html>`,
    headers: { "content-type": "text/html" },
  };

  it("§9 error pages echoing the requests' headers, bodies and URLs reach no output and no record", async () => {
    s.x.script(CREATES.x, xEcho);
    // The chart's upload logs in first, then the post: both logins meet the page, which quotes the password.
    s.bluesky.script("POST com.atproto.server.createSession", { echo: "html" }, { echo: "json" });
    s.mastodon.script(CREATES.mastodon, MASTODON_ANSWERS.echoPage(401));
    s.telegram.script(CREATES.telegram, { echo: 401 });
    const { exit, result } = await bot.run(0, { CAPBOT_MAX_ATTEMPTS: "1" });

    expect(exit.code).toBe(4);
    expect(result.status).toBe("error");
    expect(result.posts.every((p) => p.status !== "posted")).toBe(true);
    expect(result.posts.every((p) => (p.error ?? "") !== "")).toBe(true);
    expect(creates()).toEqual({ x: 1, bluesky: 0, mastodon: 1, telegram: 1 });
    // The records keep what each network said, scrubbed; the next run reconciles Mastodon's pending one.
    const next = await bot.run(1);
    expect(next.result.status).toBe("posted");
    const history = await bot.history();
    const errors = history.filter((h) => h.error !== null);
    expect(errors.map((h) => h.publisher).sort()).toEqual(["bluesky", "mastodon", "telegram", "x"]);
    expect(bot.summary()).toContain("## capbot failed (exit 4)");
  });

  it("§9 networks that refuse the connection: each fails (nothing was sent) with a clean sentence, though grammY's errors carry the token's URL", async () => {
    const nowhere = `https://127.0.0.1:${await closedPort()}`;
    const unreachable = {
      X_API_BASE_URL: nowhere,
      BLUESKY_SERVICE: nowhere,
      MASTODON_URL: nowhere,
      TELEGRAM_API_BASE_URL: nowhere,
      CAPBOT_MAX_ATTEMPTS: "1",
      X_MAX_ATTEMPTS: "1",
    };
    const { exit, result } = await bot.run(0, unreachable);
    const doctor = await bot.cli(["doctor", "--as-of", hour(0)], unreachable);

    expect(exit.code).toBe(4);
    expect(result.status).toBe("error");
    expect(result.posts.map((p) => p.status)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(result.posts.every((p) => /could not be reached/.test(p.error ?? ""))).toBe(true);
    for (const network of NETWORKS) expect(doctor.stdout).toContain(`✘ publisher ${network}: `);
    expect((await bot.history()).map((h) => h.status)).toEqual(["failed", "failed", "failed", "failed"]);
  });

  it("§9 doctor's lines stay clean when every network's check meets an echoing error page", async () => {
    // Twice each: for the checklist, then for its JSON.
    s.x.script("GET /2/users/me", xEcho, xEcho);
    s.bluesky.script("POST com.atproto.server.createSession", { echo: "json" }, { echo: "html" });
    s.mastodon.script(
      "GET /api/v1/accounts/verify_credentials",
      MASTODON_ANSWERS.echoPage(502),
      MASTODON_ANSWERS.echoPage(401, "application/json"),
    );
    s.telegram.script("getMe", { echo: 502 }, { echo: 401 });
    const text = await bot.cli(["doctor", "--as-of", hour(0)], { CAPBOT_MAX_ATTEMPTS: "1" });
    const json = await bot.cli(["doctor", "--json", "--as-of", hour(0)], { CAPBOT_MAX_ATTEMPTS: "1" });

    expect(text.code).toBe(4);
    for (const network of NETWORKS) expect(text.stdout).toContain(`✘ publisher ${network}: `);
    expect(json.code).toBe(4);
    const checks = (JSON.parse(json.stdout) as { checks: { name: string; ok: boolean }[] }).checks;
    expect(checks.filter((c) => c.name.startsWith("publisher ")).map((c) => [c.name, c.ok])).toEqual(
      NETWORKS.map((n) => [`publisher ${n}`, false]),
    );
  });
});
