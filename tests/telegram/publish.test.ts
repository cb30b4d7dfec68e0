// The Telegram publisher's posting against the HTTPS stand-in (SPEC §6, §7, §8, §8a, §9; issue 14): what
// it sends, how it follows a thread and restarts one, how a chart goes (or does not), which failures it
// retries — only those that certainly did not reach Telegram, when a message is sent — and that nothing
// it says holds the bot token.

import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/errors.js";
import type { Chart } from "../../src/publish/port.js";
import { closedPort, NOW } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { leakedSecrets, shown, useTelegramStandIn } from "./harness.js";
import { CHANNEL, TELEGRAM_ANSWERS } from "./stand-in.js";

const env = useTelegramStandIn();
const { output, publisherFor, publishError } = env;

/** Publishes, keeping everything the result shows for the secret search. */
async function published(run: Promise<unknown>) {
  const result = await run;
  output.push(shown(result));
  return result as Awaited<ReturnType<ReturnType<typeof publisherFor>["publisher"]["publish"]>>;
}

/** The bytes of a PNG as far as anyone reads them without decoding: signature and IHDR size. */
function png(width: number, height: number): Uint8Array {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    u32(13),
    Buffer.from("IHDR"),
    u32(width),
    u32(height),
    Buffer.from([8, 6, 0, 0, 0, 0, 0, 0, 0]),
  ]);
}

const CHART: Chart = { png: png(1200, 675), alt: "Bar chart of venue shares", width: 1200, height: 675 };
const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%";

describe("posting (SPEC §9 Telegram)", () => {
  it("§9 a new thread without a chart: one sendMessage with the chat and the text, no reply", async () => {
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    const sends = env.standIn.requestsOn("sendMessage");
    expect(sends.map((r) => r.params)).toEqual([{ chat_id: "@cryptovenues", text: TEXT }]);
    const stored = env.standIn.messagesIn();
    expect(stored.map((m) => [m.message_id, m.text, m.replyTo])).toEqual([[Number(result.id), TEXT, null]]);
    expect(result).toEqual({
      id: String(stored[0]?.message_id),
      time: NOW,
      inReplyTo: null,
      threadRestarted: false,
      media: null,
      warnings: [],
      thread: null,
      url: `https://t.me/cryptovenues/${stored[0]?.message_id}`,
    });
  });

  it("§9 with a chart: one sendPhoto, multipart, the PNG as the photo and the text as its caption; no alt text", async () => {
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: CHART })),
    );

    const [send, ...more] = env.standIn.requestsOn("sendPhoto");
    expect(more).toEqual([]);
    expect(send?.body).toBe("multipart");
    expect(send?.params).toMatchObject({ chat_id: "@cryptovenues", caption: TEXT });
    expect(Object.keys(send?.params ?? {}).sort()).toEqual(["caption", "chat_id", "photo"]);
    expect(
      Object.values(send?.files ?? {}).map((f) => Buffer.compare(f.bytes, Buffer.from(CHART.png))),
    ).toEqual([0]);
    expect(env.standIn.requestsOn("sendMessage")).toEqual([]);
    const [stored] = env.standIn.messagesIn();
    expect(stored?.caption).toBe(TEXT);
    expect(result).toMatchObject({
      id: String(stored?.message_id),
      media: `AgACfake-${stored?.message_id}-x`,
    });
  });

  it("§7 a reply: reply_parameters with the thread's last message and allow_sending_without_reply", async () => {
    const last = env.standIn.seedMessage(CHANNEL.id, "Top Market Venues for BTC-USDT:\nBinance: 100.00%");
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: String(last), chart: CHART })),
    );

    const [send] = env.standIn.requestsOn("sendPhoto");
    expect(JSON.parse(String(send?.params["reply_parameters"]))).toEqual({
      message_id: last,
      allow_sending_without_reply: true,
    });
    expect(env.standIn.messagesIn().find((m) => String(m.message_id) === result.id)?.replyTo).toBe(last);
    expect(result).toMatchObject({ inReplyTo: String(last), threadRestarted: false, warnings: [] });
  });

  it("§7 two posts in turn: the second replies to the first (the id is all a reply needs)", async () => {
    const { publisher } = publisherFor({ chart: false });
    const first = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );
    const second = await published(
      publisher.publish(
        request({
          intentId: "i2",
          text: `${TEXT}.`,
          inReplyTo: { id: first.id, thread: first.thread ?? null },
        }),
      ),
    );

    expect(first.thread).toBeNull();
    expect(env.standIn.messagesIn().map((m) => m.replyTo)).toEqual([null, Number(first.id)]);
    expect(second.inReplyTo).toBe(first.id);
  });

  it("§7 the message replied to is gone: Telegram posts without the reply; threadRestarted and a warning", async () => {
    const gone = env.standIn.seedMessage(CHANNEL.id, "an old post");
    env.standIn.deleteMessage(CHANNEL.id, gone);
    const { publisher, logs } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: String(gone) })),
    );

    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
    expect(env.standIn.messagesIn().map((m) => m.replyTo)).toEqual([null]);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings).toEqual([
      `thread restarted: the message replied to (${gone}) is gone; Telegram posted without the reply`,
    ]);
    expect(logs.some((l) => l.includes('"level":40') && l.includes("new thread"))).toBe(true);
  });

  it("§7 a refused reply (400 message to be replied not found): the same post again without it, once", async () => {
    const last = env.standIn.seedMessage(CHANNEL.id, "the thread's last post");
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.replyNotFound);
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: String(last) })),
    );

    const sends = env.standIn.requestsOn("sendMessage").map((r) => r.params);
    expect(sends).toEqual([
      {
        chat_id: "@cryptovenues",
        text: TEXT,
        reply_parameters: { message_id: last, allow_sending_without_reply: true },
      },
      { chat_id: "@cryptovenues", text: TEXT },
    ]);
    expect(env.standIn.messagesIn().filter((m) => m.text === TEXT)).toHaveLength(1);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings.join(" ")).toContain("message to be replied not found");
  });

  it("§7 a reply target that is no Telegram message id starts a new thread, with a warning", async () => {
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: "at://did:plc:abc/post/1" })),
    );

    expect(env.standIn.requestsOn("sendMessage").map((r) => r.params["reply_parameters"])).toEqual([
      undefined,
    ]);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings[0]).toContain("not a Telegram message id");
  });
});

describe("the chart never blocks the post (SPEC §6, issue 14)", () => {
  it("a photo Telegram cannot process (400 IMAGE_PROCESS_FAILED): the text goes alone, with a warning", async () => {
    const { publisher, logs } = publisherFor();
    const broken: Chart = { ...CHART, png: Buffer.from("not an image at all") };
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: broken })),
    );

    expect(env.standIn.requestsOn("sendPhoto")).toHaveLength(1);
    expect(env.standIn.requestsOn("sendMessage").map((r) => r.params["text"])).toEqual([TEXT]);
    expect(env.standIn.messagesIn().map((m) => [m.text, m.photo])).toEqual([[TEXT, undefined]]);
    expect(result.media).toBeNull();
    expect(result.warnings).toEqual([
      "chart not sent: Telegram refused the chart (400 Bad Request: IMAGE_PROCESS_FAILED). The text went alone.",
    ]);
    expect(logs.some((l) => l.includes('"level":40') && l.includes("text alone"))).toBe(true);
  });

  it("a reply keeps its target when the chart is refused", async () => {
    const last = env.standIn.seedMessage(CHANNEL.id, "the thread's last post");
    env.standIn.script("sendPhoto", {
      status: 413,
      body: { ok: false, error_code: 413, description: "Request Entity Too Large" },
    });
    const { publisher } = publisherFor();
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: String(last), chart: CHART })),
    );

    expect(env.standIn.messagesIn().find((m) => m.text === TEXT)?.replyTo).toBe(last);
    expect(result).toMatchObject({ inReplyTo: String(last), threadRestarted: false, media: null });
  });

  it("a text longer than a caption may be (1024) goes as a message, without the chart", async () => {
    const { publisher } = publisherFor({ chart: false });
    const long = `${TEXT}\n${"x".repeat(1100)}`;
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: long, inReplyTo: null, chart: CHART })),
    );

    expect(env.standIn.requestsOn("sendPhoto")).toEqual([]);
    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
    expect(result.warnings[0]).toContain("longer than a photo's caption may be (1024");
  });

  it("§6 the text limit: 1024 UTF-16 code units when the run sends charts, else 4096", async () => {
    expect(await publisherFor({ chart: true }).publisher.textLimit()).toEqual({ kind: "utf16", max: 1024 });
    expect(await publisherFor({ chart: false }).publisher.textLimit()).toEqual({ kind: "utf16", max: 4096 });
  });

  it("a 5xx on sendPhoto is never followed by the text: the photo may have gone out", async () => {
    env.standIn.script("sendPhoto", TELEGRAM_ANSWERS.internal);
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: CHART })),
    );

    expect(err.uncertain).toBe(true);
    expect(env.standIn.requestsOn("sendMessage")).toEqual([]);
  });
});

describe("retries: only what certainly did not reach Telegram (SPEC §8, §9)", () => {
  it("§9 429 with retry_after 5: waits 5 s (and a margin), then posts once", async () => {
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.tooManyRequests(5));
    const { publisher, sleeps, logs } = publisherFor();
    await published(publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })));

    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(2);
    expect(sleeps).toEqual([6000]);
    expect(env.standIn.messagesIn()).toHaveLength(1);
    expect(logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        action: "sending the post (sendMessage)",
        attempt: 1,
        waitMs: 6000,
        msg: "Telegram rate limit reached; waiting for its reset",
      }),
    );
  });

  it("§9 429 that does not say how long: fails at once, nothing sent, and says so", async () => {
    env.standIn.script("sendMessage", {
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests" },
    });
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain(
      "too many requests (429 Too Many Requests) and it did not say for how long",
    );
    expect(sleeps).toEqual([]);
    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
  });

  it("§9 429 asking longer than the longest wait: fails at once, nothing sent, and says how long", async () => {
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.tooManyRequests(600));
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.exitCode).toBe(4);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("Too Many Requests: retry after 600");
    expect(err.message).toContain("600 s");
    expect(sleeps).toEqual([]);
    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
  });

  it("§8 a 500 on the send is not retried (Telegram may have posted): uncertain, said so", async () => {
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.internal, TELEGRAM_ANSWERS.internal);
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(err.uncertain).toBe(true);
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain("500 Internal Server Error");
    expect(err.message).toContain("never sent again");
  });

  it("§8 a proxy's 502 page on the send: uncertain, one request, the status in the sentence", async () => {
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.badGatewayPage);
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("HTTP 502");
    expect(err.message).not.toContain("nginx");
  });

  it("§8 Telegram posts but its answer never comes (timeout): uncertain after one request, posted once", async () => {
    env.standIn.script("sendPhoto", { hang: true, act: true });
    const { publisher } = publisherFor({ timeoutMs: 300 });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: CHART })),
    );

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("no answer within 0.3 s");
    expect(env.standIn.requestsOn("sendPhoto")).toHaveLength(1);
    expect(env.standIn.requestsOn("sendMessage")).toEqual([]);
    expect(env.standIn.messagesIn()).toHaveLength(1);
  });

  it("§8 Telegram posts and the connection drops: uncertain after one request, posted once", async () => {
    env.standIn.script("sendMessage", { drop: true, act: true });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(true);
    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
    expect(env.standIn.messagesIn()).toHaveLength(1);
  });

  it("§9 a refused connection certainly sent nothing: retried with growing backoff, then a definite failure", async () => {
    const closed = await closedPort();
    const { publisher, sleeps } = publisherFor({ apiBaseUrl: `https://127.0.0.1:${closed}` });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("could not be reached (ECONNREFUSED)");
    expect(err.message).toContain("Gave up after 3 attempts");
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Number.POSITIVE_INFINITY);
  });

  it("§9 reads retry a 5xx (nothing to double): doctor's getMe after two 500s", async () => {
    env.standIn.script("getMe", TELEGRAM_ANSWERS.internal, TELEGRAM_ANSWERS.badGatewayPage);
    const { publisher, sleeps } = publisherFor();
    const check = await publisher.check();
    output.push(shown(check));

    expect(check.ok).toBe(true);
    expect(env.standIn.requestsOn("getMe")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });
});

describe("refusals name the setting to fix (SPEC §9)", () => {
  it("§9 401 Unauthorized (a token of no bot): one request, names TELEGRAM_BOT_TOKEN", async () => {
    const { publisher, sleeps } = publisherFor({ botToken: "123456789:AAfakeFAKEfakeFAKEfakeFAKEfakeFAKE0" });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );
    expect(leakedSecrets(shown(err), "123456789:AAfakeFAKEfakeFAKEfakeFAKEfakeFAKE0")).toEqual([]);

    expect(err.exitCode).toBe(4);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("401 Unauthorized");
    expect(err.message).toContain("TELEGRAM_BOT_TOKEN");
    expect(env.standIn.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("§9 404 Not Found (a token the Bot API cannot read): names TELEGRAM_BOT_TOKEN", async () => {
    const { publisher } = publisherFor({ botToken: "4242:WRONG-fake-token" });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );
    expect(leakedSecrets(shown(err), "4242:WRONG-fake-token")).toEqual([]);

    expect(err.message).toContain("404 Not Found");
    expect(err.message).toContain("TELEGRAM_BOT_TOKEN");
    expect(env.standIn.messagesIn()).toEqual([]);
  });

  it("§9 a chat Telegram does not know: names TELEGRAM_CHAT_ID", async () => {
    const { publisher } = publisherFor({ chatId: "@nosuchchannel" });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.message).toContain("400 Bad Request: chat not found");
    expect(err.message).toContain("TELEGRAM_CHAT_ID");
  });

  it("§9 the bot is not in the channel (403): add it as an administrator", async () => {
    env.standIn.chats.set(CHANNEL.id, { ...CHANNEL, type: "channel", bot: { status: "left" } });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.message).toContain("403 Forbidden: bot is not a member of the channel chat");
    expect(err.message).toContain("Add the bot to the channel as an administrator allowed to post messages");
  });

  it("§9 a group upgraded to a supergroup: says the new id to set", async () => {
    env.standIn.script("sendMessage", {
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: -1009876543210 },
      },
    });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.message).toContain("set TELEGRAM_CHAT_ID to -1009876543210");
    expect(err.uncertain).toBe(false);
  });

  it("a numeric channel id: posts, and the link is the members-only t.me/c/ form", async () => {
    const { publisher } = publisherFor({ chatId: String(CHANNEL.id) });
    const result = await published(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(result.url).toBe(`https://t.me/c/1234567890/${result.id}`);
  });
});

describe("the deadline and the lease fence (SPEC §8a)", () => {
  it("§8a a deadline already (nearly) passed: nothing is sent, a definite failure", async () => {
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(
        request({ intentId: "i1", text: TEXT, inReplyTo: null, deadline: new Date(NOW.getTime() + 500) }),
      ),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("nothing was posted");
    expect(env.standIn.requests).toEqual([]);
  });

  it("§8a a rate-limit wait that would outrun the deadline stops there, nothing sent", async () => {
    env.standIn.script("sendMessage", TELEGRAM_ANSWERS.tooManyRequests(30));
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(
        request({ intentId: "i1", text: TEXT, inReplyTo: null, deadline: new Date(NOW.getTime() + 20_000) }),
      ),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("The publish's time ran out before another attempt.");
    expect(sleeps).toEqual([]);
    expect(env.standIn.requestsOn("sendMessage")).toHaveLength(1);
  });

  it("§8a each request is bounded by what is left before the deadline: a hang ends by it, uncertain", async () => {
    env.standIn.script("sendMessage", { hang: true, act: true });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(
        request({ intentId: "i1", text: TEXT, inReplyTo: null, deadline: new Date(NOW.getTime() + 1200) }),
      ),
    );

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("no answer within 1.2 s");
  });

  it("§8a the fence runs before every send; a lost lease means the send never leaves", async () => {
    const { publisher } = publisherFor();
    let calls = 0;
    const fence = async () => {
      calls += 1;
      throw new LeaseLostError("the run lost its lease; nothing more is sent");
    };
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: CHART, fence })),
    );

    expect(err).toBeInstanceOf(LeaseLostError);
    expect(calls).toBe(1);
    expect(env.standIn.requests).toEqual([]);
  });

  it("§8a the fence is asked again before a retried send and before the text follows a refused chart", async () => {
    env.standIn.script("sendPhoto", TELEGRAM_ANSWERS.tooManyRequests(1), TELEGRAM_ANSWERS.imageProcessFailed);
    const { publisher } = publisherFor();
    let calls = 0;
    await published(
      publisher.publish(
        request({
          intentId: "i1",
          text: TEXT,
          inReplyTo: null,
          chart: CHART,
          fence: async () => {
            calls += 1;
          },
        }),
      ),
    );

    expect(calls).toBe(3);
    expect(env.standIn.requests.map((r) => r.method)).toEqual(["sendPhoto", "sendPhoto", "sendMessage"]);
  });
});

describe("the bot token appears in no output (SPEC §9)", () => {
  it("a proxy's error page echoing the URL and headers, on the send: uncertain, and no token anywhere", async () => {
    env.standIn.script("sendPhoto", { echo: 502 });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, chart: CHART })),
    );

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("HTTP 502");
    expect(err.cause).toBeUndefined();
  });

  it("a proxy's 404 page echoing the URL: the base URL is named, not the page", async () => {
    env.standIn.script("sendMessage", { echo: 404 });
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("TELEGRAM_API_BASE_URL");
  });

  it("a hang past the timeout and a refused connection: the thrown errors hold no URL", async () => {
    env.standIn.script("sendMessage", { hang: true });
    const hung = publisherFor({ timeoutMs: 200 });
    output.push(
      shown(
        await publishError(hung.publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }))),
      ),
    );
    const closed = await closedPort();
    const refused = publisherFor({ apiBaseUrl: `https://127.0.0.1:${closed}`, maxAttempts: 1 });
    const err = await publishError(
      refused.publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );
    output.push(...hung.logs, ...refused.logs);

    expect(shown(err)).not.toContain("/bot");
  });
});
