// The Bluesky publisher's posting against the HTTPS stand-in of a PDS (SPEC §7, §8, §8a, §9): the record
// it creates and under which key, threads, how it meets the PDS's refusals and bad moments, and that
// nothing it says holds the app password or a session token.

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, LeaseLostError, PublishError } from "../../src/errors.js";
import { recordKeyOf } from "../../src/publish/bluesky/record-key.js";
import type { PublishResult } from "../../src/publish/port.js";
import { NOW } from "../publish/harness.js";
import { request } from "../publish/request.js";
import { makePublisher, useBlueskyStandIn } from "./harness.js";
import { BSKY_ANSWERS } from "./stand-in.js";

const env = useBlueskyStandIn();
const { output, publisherFor, publishError } = env;

afterEach(() => {
  expect([...env.standIn.posts.values()].map((p) => p.replyProblem)).not.toContainEqual(expect.any(String));
});

const TEXT = "Top Market Venues for BTC-USDT:\nBinance: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%";
const INTENT_TIME = new Date("2026-03-02T12:00:00Z");
const CREATE = "POST com.atproto.repo.createRecord";
const GET = "GET com.atproto.repo.getRecord";
const LOGIN = "POST com.atproto.server.createSession";
const did = () => env.standIn.account.did;
const uriOf = (rkey: string) => `at://${did()}/app.bsky.feed.post/${rkey}`;

function record(text: string, extra: Record<string, unknown> = {}) {
  return { $type: "app.bsky.feed.post", text, createdAt: NOW.toISOString(), langs: ["en"], ...extra };
}

/** A reply target as the bot hands it over: the post's id and the thread its publish returned. */
function targetOf(post: PublishResult) {
  return { id: post.id, thread: post.thread ?? null };
}

describe("posting (SPEC §9)", () => {
  it("§9 a new thread: one login, then one createRecord of an app.bsky.feed.post under the intent's TID", async () => {
    const { publisher } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    const rkey = recordKeyOf("i1", INTENT_TIME);
    expect(env.standIn.requests.map((r) => r.route)).toEqual([LOGIN, CREATE]);
    expect(env.standIn.requestsOn(CREATE)[0]?.json).toEqual({
      repo: did(),
      collection: "app.bsky.feed.post",
      rkey,
      record: record(TEXT),
    });
    expect(env.standIn.requestsOn(CREATE)[0]?.token).toBe("access");
    const stored = env.standIn.posts.get(rkey);
    expect(result).toEqual({
      id: uriOf(rkey),
      time: NOW,
      inReplyTo: null,
      threadRestarted: false,
      media: null,
      warnings: [],
      thread: { cid: stored?.cid, root: { uri: uriOf(rkey), cid: stored?.cid } },
      url: `https://bsky.app/profile/${did()}/post/${rkey}`,
    });
  });

  it("§6 textLimit is 300 graphemes, and a text of 300 multi-code-unit graphemes is taken by the PDS", async () => {
    const { publisher } = publisherFor();
    expect(await publisher.textLimit()).toEqual({ kind: "graphemes", max: 300 });

    const text = "👍🏽".repeat(300);
    const result = await publisher.publish(request({ intentId: "i1", text, inReplyTo: null }));
    expect(env.standIn.posts.get(recordKeyOf("i1", INTENT_TIME))?.value["text"]).toBe(text);
    expect(result.id).toBe(uriOf(recordKeyOf("i1", INTENT_TIME)));
  });

  it("§7 a reply names the thread's root and its parent, each by uri and cid, read from the previous posts", async () => {
    const { publisher } = publisherFor();
    const first = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    const second = await publisher.publish(
      request({ intentId: "i2", text: `${TEXT}.`, inReplyTo: targetOf(first) }),
    );
    const third = await publisher.publish(
      request({ intentId: "i3", text: `${TEXT}..`, inReplyTo: targetOf(second) }),
    );

    const root = { uri: first.id, cid: env.standIn.posts.get(first.id.split("/").pop() ?? "")?.cid };
    const parent = { uri: second.id, cid: env.standIn.posts.get(second.id.split("/").pop() ?? "")?.cid };
    expect(env.standIn.requestsOn(CREATE)[2]?.json).toMatchObject({
      record: record(`${TEXT}..`, { reply: { root, parent } }),
    });
    expect(env.standIn.requestsOn(GET).map((r) => r.query["rkey"])).toEqual([
      first.id.split("/").pop(),
      second.id.split("/").pop(),
    ]);
    expect(third).toMatchObject({ inReplyTo: second.id, threadRestarted: false, thread: { root } });
    expect(env.standIn.requestsOn(LOGIN)).toHaveLength(1);
  });

  it("§7 a target without thread data (an old post) takes its root from the parent's own record", async () => {
    const root = env.standIn.seedPost("3lbrootaaaaa2", record("old root"));
    const parent = env.standIn.seedPost(
      "3lbparentaaa2",
      record("old reply", {
        reply: { root: { uri: root.uri, cid: root.cid }, parent: { uri: root.uri, cid: root.cid } },
      }),
    );
    const { publisher } = publisherFor();
    const result = await publisher.publish(
      request({ intentId: "i1", text: TEXT, inReplyTo: { id: parent.uri, thread: null } }),
    );

    expect(env.standIn.requestsOn(CREATE)[0]?.json).toMatchObject({
      record: {
        reply: { root: { uri: root.uri, cid: root.cid }, parent: { uri: parent.uri, cid: parent.cid } },
      },
    });
    expect(result.thread).toMatchObject({ root: { uri: root.uri, cid: root.cid } });
  });

  it("§7 a deleted target restarts the thread: no reply refs, inReplyTo null, threadRestarted, a warning", async () => {
    const { publisher, logs } = publisherFor();
    const first = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    env.standIn.deletePost(first.id);
    const second = await publisher.publish(
      request({ intentId: "i2", text: `${TEXT}.`, inReplyTo: targetOf(first) }),
    );
    output.push(...second.warnings);

    const sent = env.standIn.requestsOn(CREATE)[1]?.json as { record: Record<string, unknown> };
    expect(sent.record).toEqual(record(`${TEXT}.`));
    expect(second).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(second.thread).toEqual({
      cid: expect.any(String),
      root: { uri: second.id, cid: expect.any(String) },
    });
    expect(second.warnings).toEqual([`thread restarted: the post replied to (${first.id}) is deleted`]);
    expect(logs.some((l) => l.includes('"level":40') && l.includes("new thread"))).toBe(true);
  });

  it("§7 a target that is not a Bluesky post's at:// address restarts the thread without asking the PDS", async () => {
    const { publisher } = publisherFor();
    const result = await publisher.publish(
      request({ intentId: "i1", text: TEXT, inReplyTo: "1602000000000000001" }),
    );

    expect(env.standIn.requestsOn(GET)).toEqual([]);
    expect(result).toMatchObject({ inReplyTo: null, threadRestarted: true });
    expect(result.warnings[0]).toContain("is not the at:// address of a Bluesky post");
  });
});

describe("exactly once (SPEC §8)", () => {
  it("§8 a create under a key that already exists gets the PDS's bare 500; the post found there is the result", async () => {
    const rkey = recordKeyOf("i1", INTENT_TIME);
    const earlier = env.standIn.seedPost(rkey, record(TEXT, { createdAt: "2026-03-02T11:59:58.000Z" }));
    const { publisher } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requests.map((r) => r.route)).toEqual([LOGIN, CREATE, GET]);
    expect(env.standIn.posts.size).toBe(1);
    expect(result).toMatchObject({ id: earlier.uri, time: new Date("2026-03-02T11:59:58.000Z") });
  });

  it("§8 no answer after the PDS stored the post: the next attempt looks first and finds it; one post", async () => {
    env.standIn.script(CREATE, { hang: true, act: true });
    const { publisher } = publisherFor({ timeoutMs: 300 });
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
    expect(env.standIn.requestsOn(GET)).toHaveLength(1);
    expect([...env.standIn.posts.values()].map((p) => p.uri)).toEqual([result.id]);
  });

  it("§8 a connection dropped after the PDS stored the post: found on the next attempt; one post", async () => {
    env.standIn.script(CREATE, { drop: true, act: true });
    const { publisher } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
    expect([...env.standIn.posts.values()].map((p) => p.uri)).toEqual([result.id]);
  });

  it("§8 a connection dropped before the PDS acted: the look finds nothing, the create is sent again; one post", async () => {
    env.standIn.script(CREATE, { drop: true });
    const { publisher } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requests.map((r) => r.route)).toEqual([LOGIN, CREATE, GET, CREATE]);
    expect([...env.standIn.posts.values()].map((p) => p.uri)).toEqual([result.id]);
  });

  it("§8 500 on every attempt: uncertain (a 500 may follow the write), so the intent stays pending", async () => {
    env.standIn.script(CREATE, BSKY_ANSWERS.internal, BSKY_ANSWERS.internal, BSKY_ANSWERS.internal);
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(true);
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain("500 InternalServerError");
    expect(err.message).toContain("stays pending");
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(3);
    expect(env.standIn.requestsOn(GET)).toHaveLength(2);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Number.POSITIVE_INFINITY);
  });

  it("§8 every attempt timed out: uncertain", async () => {
    env.standIn.script(CREATE, { hang: true }, { hang: true }, { hang: true });
    const { publisher } = publisherFor({ timeoutMs: 200 });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("no answer within 0.2 s");
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(3);
    expect(env.standIn.posts.size).toBe(0);
  });
});

describe("the PDS's bad moments (SPEC §9)", () => {
  it("§9 503 twice then 200: three attempts with growing backoff, one post", async () => {
    env.standIn.script(CREATE, BSKY_ANSWERS.unavailable, BSKY_ANSWERS.unavailable);
    const { publisher, sleeps } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn(CREATE)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Number.POSITIVE_INFINITY);
    expect([...env.standIn.posts.values()].map((p) => p.uri)).toEqual([result.id]);
  });

  it("§9 503 on every attempt: a definite failure (the PDS did not take it)", async () => {
    env.standIn.script(CREATE, BSKY_ANSWERS.unavailable, BSKY_ANSWERS.unavailable, BSKY_ANSWERS.unavailable);
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("503");
    expect(err.message).toContain("Gave up after 3 attempts");
    expect(env.standIn.posts.size).toBe(0);
  });

  it("§9 429 then 200: waits until ratelimit-reset, then posts", async () => {
    const resetIn = 30;
    env.standIn.script(CREATE, BSKY_ANSWERS.tooManyRequests(NOW.getTime() / 1000 + resetIn));
    const { publisher, sleeps, logs } = publisherFor();
    const result = await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));

    expect(env.standIn.requestsOn(CREATE)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(resetIn * 1000);
    expect(sleeps[0]).toBeLessThanOrEqual(resetIn * 1000 + 2000);
    expect(env.standIn.posts.has(result.id.split("/").pop() ?? "")).toBe(true);
    expect(logs.join("\n")).toContain("rate limit");
  });

  it("§9 429 with a reset beyond the configured wait fails at once, definitely, and says when it resets", async () => {
    const reset = new Date(NOW.getTime() + 15 * 60_000);
    env.standIn.script(CREATE, BSKY_ANSWERS.tooManyRequests(reset.getTime() / 1000));
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.exitCode).toBe(4);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain(reset.toISOString());
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("§9 a refused app password fails at once with one request, naming BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD", async () => {
    const { publisher, sleeps } = publisherFor({ appPassword: "fake-wrong-app-password" });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(env.standIn.requests.map((r) => r.route)).toEqual([LOGIN]);
    expect(sleeps).toEqual([]);
    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("Invalid identifier or password");
    expect(err.message).toContain("BLUESKY_IDENTIFIER");
    expect(err.message).toContain("BLUESKY_APP_PASSWORD");
    expect(err.message).not.toContain("fake-wrong-app-password");
  });

  it("§9 a PDS that refuses connections: retried, then a definite failure (nothing can have been sent)", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { publisher, sleeps } = publisherFor({ service: `https://127.0.0.1:${port}` });
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("could not be reached (ECONNREFUSED)");
    expect(sleeps).toHaveLength(2);
  });

  it("§9 a BLUESKY_SERVICE that is not HTTPS is a configuration error (exit 2): the app password would travel in clear", async () => {
    const { publisher } = publisherFor({ service: env.standIn.url.replace("https:", "http:") });
    const err = await publisher
      .publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }))
      .catch((e) => e);

    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).message).toContain("BLUESKY_SERVICE");
    expect(env.standIn.requests).toEqual([]);
  });

  it("§9 the PDS refusing the record (a 400) is a definite failure in the PDS's words, not retried", async () => {
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: "x".repeat(301), inReplyTo: null })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("400 InvalidRequest: Invalid app.bsky.feed.post record");
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
  });
});

describe("the session (SPEC §9: one login per process)", () => {
  it("§9 an expired access token is refreshed, not logged in again", async () => {
    const { publisher } = publisherFor();
    await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    env.standIn.expireAccessTokens();
    await publisher.publish(request({ intentId: "i2", text: `${TEXT}.`, inReplyTo: null }));

    expect(env.standIn.requestsOn(LOGIN)).toHaveLength(1);
    expect(env.standIn.requestsOn("POST com.atproto.server.refreshSession")).toHaveLength(1);
    expect(env.standIn.posts.size).toBe(2);
  });

  it("§9 when the refresh token has expired too, the login is done again, once, and the post made once", async () => {
    const { publisher } = publisherFor();
    await publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null }));
    env.standIn.expireAccessTokens();
    env.standIn.expireRefreshTokens();
    await publisher.publish(request({ intentId: "i2", text: `${TEXT}.`, inReplyTo: null }));

    expect(env.standIn.requestsOn(LOGIN)).toHaveLength(2);
    expect(env.standIn.posts.size).toBe(2);
  });
});

describe("the publish's deadline and the lease fence (SPEC §8a)", () => {
  it("§8a a deadline already passed: nothing is sent, and the failure is definite", async () => {
    const { publisher } = publisherFor();
    const err = await publishError(
      publisher.publish(request({ intentId: "i1", text: TEXT, inReplyTo: null, deadline: NOW })),
    );

    expect(err.uncertain).toBe(false);
    expect(err.message).toContain("nothing was posted");
    expect(env.standIn.requests).toEqual([]);
  });

  it("§8a a 500 whose retry would end past the deadline: no further attempt, and uncertain", async () => {
    env.standIn.script(CREATE, BSKY_ANSWERS.internal);
    const { publisher, sleeps } = publisherFor();
    const err = await publishError(
      publisher.publish(
        request({ intentId: "i1", text: TEXT, inReplyTo: null, deadline: new Date(NOW.getTime() + 1500) }),
      ),
    );

    expect(err.uncertain).toBe(true);
    expect(err.message).toContain("time ran out");
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("§8a a fence that throws: the create request is never sent", async () => {
    const { publisher } = publisherFor();
    const lost = new LeaseLostError("The run lost its lease; another run may hold it.");
    const err = await publisher
      .publish(
        request({
          intentId: "i1",
          text: TEXT,
          inReplyTo: null,
          fence: async () => {
            throw lost;
          },
        }),
      )
      .catch((e: unknown) => e);

    expect(err).toBe(lost);
    expect(env.standIn.requestsOn(CREATE)).toEqual([]);
  });

  it("§8a a fence that throws after an attempt that may have posted: the lease error says the post may be out", async () => {
    env.standIn.script(CREATE, { hang: true, act: true });
    let fences = 0;
    const { publisher } = publisherFor({ timeoutMs: 200 });
    const err = await publisher
      .publish(
        request({
          intentId: "i1",
          text: TEXT,
          inReplyTo: null,
          fence: async () => {
            fences += 1;
            if (fences > 1) throw new LeaseLostError("The run lost its lease; another run may hold it.");
          },
        }),
      )
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LeaseLostError);
    expect((err as LeaseLostError).uncertain).toBe(true);
    expect(env.standIn.requestsOn(CREATE)).toHaveLength(1);
    expect(env.standIn.requestsOn(GET)).toEqual([]);
  });
});

describe("no secret in any output (SPEC §9)", () => {
  const routes = [LOGIN, "POST com.atproto.repo.uploadBlob", GET, CREATE];
  for (const route of routes) {
    for (const echo of ["html", "json"] as const) {
      it(`§9 a proxy's ${echo} error page quoting the request on ${route} leaks neither token nor password`, async () => {
        const first = await makePublisher(env.standIn).publisher.publish(
          request({ intentId: "i0", text: TEXT, inReplyTo: null }),
        );
        env.standIn.script(route, { echo });
        const { publisher } = publisherFor({ maxAttempts: 1 });
        const png = Uint8Array.from({ length: 100 }, (_, i) => i);
        const outcome = await publisher
          .publish(
            request({
              intentId: "i1",
              text: `${TEXT}.`,
              inReplyTo: targetOf(first),
              chart: { png, alt: "chart", width: 1200, height: 675 },
            }),
          )
          .catch((e: unknown) => e);
        output.push(
          outcome instanceof Error
            ? `${outcome.message} ${String(outcome.cause ?? "")}`
            : JSON.stringify(outcome),
        );

        expect(env.standIn.requestsOn(route).length).toBeGreaterThan(0);
        if (route === "POST com.atproto.repo.uploadBlob") {
          expect((outcome as PublishResult).warnings[0]).toContain("502");
        } else {
          expect(outcome).toBeInstanceOf(PublishError);
          expect((outcome as PublishError).message).toContain("502");
          expect((outcome as PublishError).cause).toBeUndefined();
        }
      });
    }
  }
});
