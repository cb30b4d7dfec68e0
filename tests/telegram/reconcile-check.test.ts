// Reconciling a dead run's intent on Telegram (SPEC §8: a bot cannot read a channel back, so always
// `unknown`), the doctor line (SPEC §9: getMe, getChat, getChatMember), and the lazy loading of grammY.

import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PostRecord } from "../../src/core/types.js";
import { telegramPostUrl } from "../../src/publish/telegram/url.js";
import { NOW, pendingIntent } from "../publish/harness.js";
import { makePublisher, shown, useTelegramStandIn } from "./harness.js";
import { BOT, CHANNEL, TELEGRAM_ANSWERS } from "./stand-in.js";

const env = useTelegramStandIn();
const { output, publisherFor } = env;

async function checked(overrides: Parameters<typeof publisherFor>[0] = {}) {
  const check = await publisherFor(overrides).publisher.check();
  output.push(shown(check));
  return check;
}

function intent(): PostRecord {
  return pendingIntent("telegram", {
    time: new Date(NOW.getTime() - 20 * 60_000),
    tweetText: "Top Market Venues for BTC-USDT:\nBinance: 100.00%",
  });
}

describe("reconcile (SPEC §8)", () => {
  it("§8 always unknown, saying why (a bot cannot read a channel back), without asking Telegram", async () => {
    env.standIn.seedMessage(CHANNEL.id, intent().tweetText);
    const { publisher } = makePublisher(env.standIn);
    const verdict = await publisher.reconcile(intent());

    expect(verdict).toEqual({
      status: "unknown",
      reason:
        "Telegram's Bot API cannot read a channel's messages back, so whether this post went out cannot be checked: it counts as posted (never sent again) and is never replied to.",
    });
    expect(env.standIn.requests).toEqual([]);
  });
});

describe("doctor (SPEC §9)", () => {
  it("§9 ok: names the bot and the channel, from getMe, getChat and the bot's own getChatMember", async () => {
    const check = await checked();

    expect(check).toEqual({
      name: "publisher telegram",
      ok: true,
      detail: `Telegram bot @capbot_test_bot posting to Crypto Venues (${CHANNEL.id})`,
    });
    expect(env.standIn.requests.map((r) => [r.method, r.params])).toEqual([
      ["getMe", {}],
      ["getChat", { chat_id: "@cryptovenues" }],
      ["getChatMember", { chat_id: "@cryptovenues", user_id: BOT.id }],
    ]);
  });

  it("§9 ok with a numeric channel id", async () => {
    const check = await checked({ chatId: String(CHANNEL.id) });

    expect(check.ok).toBe(true);
    expect(check.detail).toContain("Crypto Venues");
  });

  it("§9 a bot that is a plain member of the channel may not post: add it as an administrator", async () => {
    env.standIn.chats.set(CHANNEL.id, { ...CHANNEL, type: "channel", bot: { status: "member" } });
    const check = await checked();

    expect(check).toMatchObject({
      ok: false,
      exitCode: 4,
      detail: `Telegram bot @capbot_test_bot is not an administrator of Crypto Venues (${CHANNEL.id})`,
    });
    expect(check.fix).toContain("administrator allowed to post messages");
  });

  it("§9 an administrator without the right to post messages", async () => {
    env.standIn.chats.set(CHANNEL.id, {
      ...CHANNEL,
      type: "channel",
      bot: { status: "administrator", can_post_messages: false },
    });
    const check = await checked();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("is an administrator not allowed to post messages in Crypto Venues");
  });

  it("§9 a group where the bot may not send messages: the fix is about the group", async () => {
    env.standIn.chats.set(-1005550001111, {
      id: -1005550001111,
      type: "supergroup",
      title: "Venue Talk",
      bot: { status: "restricted", can_send_messages: false },
    });
    const check = await checked({ chatId: "-1005550001111" });

    expect(check).toMatchObject({
      ok: false,
      detail: "Telegram bot @capbot_test_bot may not send messages to Venue Talk (-1005550001111)",
      fix: "Add the bot to the group and let it send messages and photos.",
    });
  });

  it("§9 a bot that left the channel (403): the fix says to add it", async () => {
    env.standIn.chats.set(CHANNEL.id, { ...CHANNEL, type: "channel", bot: { status: "left" } });
    const check = await checked();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("403 Forbidden: bot is not a member of the channel chat");
    expect(check.fix).toContain("Add the bot to the channel as an administrator");
  });

  it("§9 a wrong token: one request, the fix names TELEGRAM_BOT_TOKEN", async () => {
    const check = await checked({ botToken: "4242:WRONG-fake-token" });

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("404 Not Found");
    expect(check.fix).toContain("TELEGRAM_BOT_TOKEN");
    expect(env.standIn.requests).toHaveLength(1);
  });

  it("§9 a chat Telegram does not know: the fix names TELEGRAM_CHAT_ID", async () => {
    const check = await checked({ chatId: "@nosuchchannel" });

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("chat not found");
    expect(check.fix).toContain("TELEGRAM_CHAT_ID");
  });

  it("§9 a Bot API that does not answer: the timeout in the detail, TELEGRAM_API_BASE_URL in the fix", async () => {
    env.standIn.script("getMe", { hang: true });
    const check = await checked({ timeoutMs: 200, maxAttempts: 1 });

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("no answer within 0.2 s");
    expect(check.fix).toContain("TELEGRAM_API_BASE_URL");
  });

  it("§9 a proxy's page echoing the request, on every read: no token in the line", async () => {
    env.standIn.script("getMe", { echo: 502 }, { echo: 502 }, { echo: 502 });
    const check = await checked();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("HTTP 502");
    expect(env.standIn.requestsOn("getMe")).toHaveLength(3);
  });

  it("§9 a rate limit longer than the longest wait fails the line, saying so", async () => {
    env.standIn.script("getChat", TELEGRAM_ANSWERS.tooManyRequests(3600));
    const check = await checked();

    expect(check.ok).toBe(false);
    expect(check.detail).toContain("too many requests");
  });
});

describe("post links (SPEC §9)", () => {
  it("a public channel's @name gives t.me/<name>/<id>; a -100 id the members-only t.me/c/ form; else none", () => {
    expect(telegramPostUrl("@cryptovenues", "42")).toBe("https://t.me/cryptovenues/42");
    expect(telegramPostUrl("-1001234567890", "42")).toBe("https://t.me/c/1234567890/42");
    expect(telegramPostUrl("123456789", "42")).toBeNull();
    expect(telegramPostUrl("-4123456789", "42")).toBeNull();
  });

  it("property: a channel's link always ends in the message id and parses as a t.me URL", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{4,31}$/).map((n) => `@${n}`),
          fc.bigInt({ min: 1n, max: 10n ** 13n }).map((n) => `-100${n}`),
        ),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (chatId, messageId) => {
          const url = new URL(telegramPostUrl(chatId, String(messageId)) ?? "");
          expect(url.host).toBe("t.me");
          expect(url.pathname.endsWith(`/${messageId}`)).toBe(true);
        },
      ),
    );
  });
});

describe("loading (ARCHITECTURE: heavy modules load lazily)", () => {
  it("creating the publisher, asking its text limit and reconciling never load grammY; a request does", () => {
    const script = `
      import { createRequire } from "node:module";
      const { createTelegramPublisher } = await import("./dist/publish/telegram/index.js");
      const logger = { warn() {}, info() {}, debug() {}, error() {} };
      const p = createTelegramPublisher({ botToken: "4242:FAKE", chatId: "@x", apiBaseUrl: "https://127.0.0.1:9",
        timeoutMs: 1000, maxAttempts: 1, maxRateLimitWaitMs: 0, chart: true }, logger);
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/grammy/"));
      await p.textLimit();
      await p.reconcile({});
      const before = loaded();
      await p.check();
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });

    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ before: false, after: true });
  });
});
