// Issue 14 end to end, the good days: `capbot run` (the built CLI, a child process) with X, Bluesky,
// Mastodon and Telegram all configured, each an HTTPS stand-in that checks what the real service checks.
// One run posts once on each, with the chart and its alt text where the network takes them; the next
// runs reply in each network's own thread (SPEC §7); `run --json`, `history` and the GitHub step summary
// say where each post went; `doctor` has one line per network; a network over its daily budget is
// skipped while the others post (SPEC §8a). After each test every byte the children printed, and the
// step summary, is searched for the stand-ins' fake secrets (SPEC §9).

import { describe, expect, it } from "vitest";
import { CHANNEL } from "../telegram/stand-in.js";
import { hour, NETWORKS, postOn, useNetworks } from "./harness.js";

const { s, bot, otherSecrets } = useNetworks();

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Telegram's `reply_parameters`, sent as JSON or, beside a photo, as a JSON string in the form. */
function replyParameters(params: Record<string, unknown>): Record<string, unknown> | undefined {
  const raw = params["reply_parameters"];
  return typeof raw === "string" ? (JSON.parse(raw) as Record<string, unknown>) : (raw as never);
}

describe("capbot run on X, Bluesky, Mastodon and Telegram (end to end)", () => {
  it("posts once on each network, with the chart and its alt text where the network takes them", async () => {
    const { exit, result } = await bot.run(0);

    expect(exit.code).toBe(0);
    expect(result.status).toBe("posted");
    expect(result.posts.map((p) => [p.publisher, p.status, p.inReplyTo])).toEqual(
      NETWORKS.map((n) => [n, "posted", null]),
    );
    const text = String(result.text);

    // X: the media uploaded, its alt text set, the post carrying it.
    const tweets = s.x.requestsOn("POST /2/tweets");
    expect(tweets).toHaveLength(1);
    const tweet = tweets[0]?.json as { text: string; media?: { media_ids: string[] } };
    expect(tweet).toMatchObject({ text, media: { media_ids: [expect.any(String)] } });
    const xMedia = s.x.media.get(tweet.media?.media_ids[0] ?? "");
    expect(xMedia?.finalized).toBe(true);
    const alt = String(xMedia?.alt);
    expect(alt).toContain("BTC-USDT");
    expect(postOn(result, "x").postId).toBe([...s.x.posts.keys()][0]);

    // Bluesky: the chart as a blob, in an images embed with the same alt text and the PNG's aspect ratio.
    expect(s.bluesky.requestsOn("POST com.atproto.repo.createRecord")).toHaveLength(1);
    const [skeet] = [...s.bluesky.posts.values()];
    expect(skeet?.value).toMatchObject({ $type: "app.bsky.feed.post", text });
    const embed = skeet?.value["embed"] as { images: { alt: string; aspectRatio: unknown; image: never }[] };
    const blob = [...s.bluesky.blobs.values()][0];
    expect(blob?.mimeType).toBe("image/png");
    expect(embed.images).toEqual([
      { alt, aspectRatio: pngSize(blob?.bytes ?? Buffer.alloc(0)), image: expect.anything() },
    ]);
    expect(postOn(result, "bluesky").postId).toBe(skeet?.uri);

    // Mastodon: the chart uploaded with its description, the status carrying it, the intent's key.
    const [toot] = [...s.mastodon.statuses.values()];
    expect(s.mastodon.requestsOn("POST /api/v1/statuses")).toHaveLength(1);
    expect(s.mastodon.requestsOn("POST /api/v1/statuses")[0]?.headers["idempotency-key"]).toMatch(/^capbot-/);
    expect(toot?.text).toBe(text);
    expect(toot?.mediaIds).toHaveLength(1);
    const toMedia = s.mastodon.media.get(toot?.mediaIds[0] ?? "");
    expect(toMedia?.description).toBe(alt);
    expect(toMedia?.file.data.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(postOn(result, "mastodon").postId).toBe(toot?.id);

    // Telegram: one photo, the text its caption.
    expect(s.telegram.requestsOn("sendPhoto")).toHaveLength(1);
    expect(s.telegram.requestsOn("sendMessage")).toHaveLength(0);
    const [message] = s.telegram.messagesIn();
    expect(message?.caption).toBe(text);
    expect(message?.photo?.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(postOn(result, "telegram").postId).toBe(String(message?.message_id));

    // Where each post can be seen: in the JSON, in history, and in the step summary.
    const urls = {
      x: `https://x.com/i/web/status/${postOn(result, "x").postId}`,
      bluesky: `https://bsky.app/profile/${s.bluesky.account.did}/post/${skeet?.rkey}`,
      mastodon: s.mastodon.statusUrl(String(toot?.id)),
      telegram: `https://t.me/${CHANNEL.username}/${message?.message_id}`,
    };
    for (const network of NETWORKS) expect(postOn(result, network).url).toBe(urls[network]);
    const history = await bot.history();
    expect(history.map((h) => [h.publisher, h.status, h.postId, h.url, h.text]).sort()).toEqual(
      result.posts.map((p) => [p.publisher, "posted", p.postId, p.url, text]).sort(),
    );
    const table = (await bot.cli(["history"])).stdout.split("\n");
    for (const network of NETWORKS) {
      expect(table.find((line) => line.includes(urls[network]))).toMatch(new RegExp(`  posted +${network} `));
    }
    const summary = bot.summary();
    for (const [network, name] of [
      ["x", "X"],
      ["bluesky", "Bluesky"],
      ["mastodon", "Mastodon"],
      ["telegram", "Telegram"],
    ] as const) {
      expect(summary).toContain(`[View the post on ${name}](${urls[network]}), as a new thread.`);
    }
  });

  it("§7 the next runs reply in each network's thread: X and Mastodon by id, Telegram by message id, Bluesky by root and parent", async () => {
    const first = (await bot.run(0)).result;
    const second = await bot.run(1);
    const third = await bot.run(2);

    for (const [before, after] of [
      [first, second.result],
      [second.result, third.result],
    ] as const) {
      expect(after.status).toBe("posted");
      for (const network of NETWORKS) {
        expect(postOn(after, network).inReplyTo).toBe(postOn(before, network).postId);
      }
    }

    const tweets = s.x.requestsOn("POST /2/tweets").map((r) => r.json as Record<string, unknown>);
    expect(tweets.map((t) => t["reply"] ?? null)).toEqual([
      null,
      { in_reply_to_tweet_id: first.postId },
      { in_reply_to_tweet_id: second.result.postId },
    ]);

    // Bluesky: the root stays the thread's first post; the parent is the post before; both uri + cid.
    const skeets = s.bluesky
      .requestsOn("POST com.atproto.repo.createRecord")
      .map((r) => (r.json as { rkey: string }).rkey);
    const [root, parent, last] = skeets.map((rkey) => s.bluesky.posts.get(rkey));
    const ref = (p: typeof root) => ({ uri: p?.uri, cid: p?.cid });
    expect(root?.value["reply"]).toBeUndefined();
    expect(parent?.value["reply"]).toEqual({ root: ref(root), parent: ref(root) });
    expect(last?.value["reply"]).toEqual({ root: ref(root), parent: ref(parent) });
    expect([...s.bluesky.posts.values()].map((p) => p.replyProblem)).toEqual([null, null, null]);

    const toots = s.mastodon.requestsOn("POST /api/v1/statuses").map((r) => r.body["in_reply_to_id"] ?? null);
    expect(toots).toEqual([null, postOn(first, "mastodon").postId, postOn(second.result, "mastodon").postId]);

    const replies = s.telegram.requestsOn("sendPhoto").map((r) => replyParameters(r.params)?.["message_id"]);
    expect(replies).toEqual([
      undefined,
      Number(postOn(first, "telegram").postId),
      Number(postOn(second.result, "telegram").postId),
    ]);
    expect(s.telegram.messagesIn().map((m) => m.replyTo)).toEqual([
      null,
      s.telegram.messagesIn()[0]?.message_id,
      s.telegram.messagesIn()[1]?.message_id,
    ]);

    const summary = bot.summary();
    for (const network of NETWORKS) {
      const post = postOn(third.result, network);
      expect(summary).toContain(`(${post.url}), in reply to \`${post.inReplyTo}\`.`);
    }
  });

  it("§6 one text for every network, fitted to the strictest limit (here the Mastodon instance's)", async () => {
    s.mastodon.maxCharacters = 70;
    const { result } = await bot.run(0);

    expect(result.status).toBe("posted");
    const text = String(result.text);
    expect([...new Intl.Segmenter().segment(text)].length).toBeLessThanOrEqual(70);
    expect(text).toMatch(/\nOthers: \d+\.\d\d%$/);
    expect({
      x: (s.x.requestsOn("POST /2/tweets")[0]?.json as { text?: string } | undefined)?.text,
      bluesky: [...s.bluesky.posts.values()][0]?.value["text"],
      mastodon: [...s.mastodon.statuses.values()][0]?.text,
      telegram: s.telegram.messagesIn()[0]?.caption,
    }).toEqual({ x: text, bluesky: text, mastodon: text, telegram: text });
  });

  it("§9 without the chart: no media anywhere, and Telegram sends a text message", async () => {
    const { result } = await bot.run(0, { CAPBOT_CHART: "off" });

    expect(result.status).toBe("posted");
    expect(s.x.requestsOn("POST /2/tweets")[0]?.json).not.toHaveProperty("media");
    expect(s.x.media.size).toBe(0);
    expect(s.bluesky.requestsOn("POST com.atproto.repo.uploadBlob")).toHaveLength(0);
    expect([...s.bluesky.posts.values()][0]?.value).not.toHaveProperty("embed");
    expect(s.mastodon.requestsOn("POST /api/v2/media")).toHaveLength(0);
    expect([...s.mastodon.statuses.values()][0]?.mediaIds).toEqual([]);
    expect(s.telegram.requestsOn("sendPhoto")).toHaveLength(0);
    expect(s.telegram.messagesIn().map((m) => [m.text, m.photo])).toEqual([[result.text, undefined]]);
  });

  it("§9 a dry run names each network and the thread it would continue, and sends nothing", async () => {
    const first = (await bot.run(0)).result;
    const { exit, result } = await bot.run(1, {}, ["--dry-run"]);

    expect(exit.code).toBe(0);
    expect(result.status).toBe("dry-run");
    expect(result.posts).toEqual(
      NETWORKS.map((network) => ({
        publisher: network,
        status: "skipped",
        postId: null,
        inReplyTo: postOn(first, network).postId,
        url: null,
        reason: "dry run",
      })),
    );
    expect([
      s.x.posts.size,
      s.bluesky.posts.size,
      s.mastodon.statuses.size,
      s.telegram.messages.length,
    ]).toEqual([1, 1, 1, 1]);
    expect(await bot.history()).toHaveLength(4);
  });

  it("§9 doctor names each network on a line of its own, passing against the stand-ins", async () => {
    const exit = await bot.cli(["doctor", "--as-of", hour(0)]);

    expect(exit.code).toBe(0);
    const lines = exit.stdout.split("\n").filter((l) => l.includes(" publisher "));
    expect(lines).toEqual([
      "✔ publisher x: X account @capbot_test (1000)",
      expect.stringMatching(/^✔ publisher bluesky: Bluesky account @capbot-test\.bsky\.social \(did:plc:/),
      expect.stringMatching(/^✔ publisher mastodon: Mastodon account @capbot on 127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^✔ publisher telegram: Telegram bot @capbot_test_bot posting to Crypto Venues/),
    ]);
    // One cheap read each (Telegram: getMe, getChat, getChatMember); nothing is sent anywhere.
    expect(s.x.requestsOn("POST /2/tweets")).toHaveLength(0);
    expect(s.bluesky.requestsOn("POST com.atproto.repo.createRecord")).toHaveLength(0);
    expect(s.mastodon.requestsOn("POST /api/v1/statuses")).toHaveLength(0);
    expect(s.telegram.requests.map((r) => r.method)).toEqual(["getMe", "getChat", "getChatMember"]);
  });

  it("§9 doctor fails each network whose credential is refused, with a fix naming its setting", async () => {
    const wrong = {
      TW_ACCESS_TOKEN_SECRET: "wrong-fake-x-access-secret",
      BLUESKY_APP_PASSWORD: "wrong-fake-bsky-app-password",
      MASTODON_ACCESS_TOKEN: "wrong-fake-mastodon-token",
      // Shaped like a real token, so that Telegram answers 401 (a token of no bot), not 404.
      TELEGRAM_BOT_TOKEN: "4243:wrong-fake-telegram-bot-token-0123456789",
    };
    otherSecrets.push(...Object.values(wrong), "wrong-fake-telegram-bot-token-0123456789");
    const exit = await bot.cli(["doctor", "--as-of", hour(0)], wrong);

    expect(exit.code).toBe(4);
    const out = exit.stdout;
    const block = (network: string) => {
      const at = out.indexOf(`✘ publisher ${network}: `);
      expect(at, `${network} fails in:\n${out}`).toBeGreaterThanOrEqual(0);
      return out.slice(at, out.indexOf("\n", out.indexOf("fix:", at)));
    };
    expect(block("x")).toContain("TW_");
    expect(block("bluesky")).toContain("BLUESKY_APP_PASSWORD");
    expect(block("mastodon")).toContain("MASTODON_ACCESS_TOKEN");
    expect(block("telegram")).toContain("TELEGRAM_BOT_TOKEN");
    expect(out).toContain("4 check(s) failed.");
  });

  it("§8a one network over its daily budget is skipped with its reason while the others post", async () => {
    await bot.run(0);
    const { exit, result } = await bot.run(1, { CAPBOT_MAX_POSTS_PER_DAY: "x=1,mastodon=5" });

    expect(exit.code).toBe(0);
    expect(result.status).toBe("posted");
    expect(postOn(result, "x")).toMatchObject({
      status: "skipped",
      postId: null,
      reason: expect.stringMatching(/daily budget of 1 post on x is used up \(1 in the last 24 h\)/),
    });
    for (const network of ["bluesky", "mastodon", "telegram"] as const) {
      expect(postOn(result, network).status).toBe("posted");
    }
    expect(s.x.requestsOn("POST /2/tweets")).toHaveLength(1);
    expect(s.bluesky.posts.size).toBe(2);
    expect(s.mastodon.statuses.size).toBe(2);
    expect(s.telegram.messagesIn()).toHaveLength(2);
    expect(bot.summary()).toMatch(/- X: the daily budget of 1 post on x is used up/);
  });

  it("§8a every network over its daily budget: the run is skipped, exit 0, nothing sent", async () => {
    await bot.run(0);
    const { exit, result } = await bot.run(1, { CAPBOT_MAX_POSTS_PER_DAY: "1" });

    expect(exit.code).toBe(0);
    expect(result.status).toBe("skipped");
    expect(result.reason).toMatch(/daily budget/);
    expect(result.posts.map((p) => [p.publisher, p.status])).toEqual(NETWORKS.map((n) => [n, "skipped"]));
    expect(s.x.requestsOn("POST /2/tweets")).toHaveLength(1);
    expect(s.bluesky.posts.size).toBe(1);
    expect(s.mastodon.statuses.size).toBe(1);
    expect(s.telegram.messagesIn()).toHaveLength(1);
    expect((await bot.history()).map((h) => h.status)).toEqual(["posted", "posted", "posted", "posted"]);
  });
});
