// The PDS stand-in is only worth what it refuses: these check that it meets a client as a PDS does
// (the errors and statuses a real PDS gives), so that the adapter tests cannot pass against a lenient fake.

import { describe, expect, it } from "vitest";
import { useStandIn } from "../use-stand-in.js";
import { BlueskyStandIn } from "./stand-in.js";

const env = useStandIn(BlueskyStandIn);

async function xrpc(nsid: string, init: { body?: unknown; token?: string; query?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers["authorization"] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${env.standIn.url}/xrpc/${nsid}${init.query ? `?${init.query}` : ""}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function login(): Promise<string> {
  const { body } = await xrpc("com.atproto.server.createSession", {
    body: { identifier: env.standIn.account.handle, password: env.standIn.account.appPassword },
  });
  return String(body["accessJwt"]);
}

const did = () => env.standIn.account.did;
const post = (extra: Record<string, unknown> = {}) => ({
  $type: "app.bsky.feed.post",
  text: "hello",
  createdAt: "2026-03-02T12:00:00.000Z",
  ...extra,
});

async function create(token: string, rkey: string, record: Record<string, unknown>) {
  return xrpc("com.atproto.repo.createRecord", {
    token,
    body: { repo: did(), collection: "app.bsky.feed.post", rkey, record },
  });
}

describe("the PDS stand-in", () => {
  it("refuses a wrong app password as a PDS does, and a 31st login in five minutes", async () => {
    const bad = await xrpc("com.atproto.server.createSession", {
      body: { identifier: env.standIn.account.handle, password: "fake-wrong" },
    });
    expect(bad).toMatchObject({
      status: 401,
      body: { error: "AuthenticationRequired", message: "Invalid identifier or password" },
    });
    for (let i = 1; i < 30; i++) await login();
    const limited = await xrpc("com.atproto.server.createSession", {
      body: { identifier: env.standIn.account.handle, password: env.standIn.account.appPassword },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("checks the bearer token on every other call: missing, unknown, expired", async () => {
    expect((await create("", "3mg37dsgw7cjk", post())).body["error"]).toBe("AuthMissing");
    expect((await create("fake-token", "3mg37dsgw7cjk", post())).body["error"]).toBe("InvalidToken");
    const token = await login();
    env.standIn.expireAccessTokens();
    expect(await create(token, "3mg37dsgw7cjk", post())).toMatchObject({
      status: 400,
      body: { error: "ExpiredToken" },
    });
  });

  it("takes only a TID as a post's key, and answers a repeated key with a bare 500", async () => {
    const token = await login();
    expect((await create(token, "my-post", post())).status).toBe(400);
    expect((await create(token, "3mg37dsgw7cjk", post())).status).toBe(200);
    expect(await create(token, "3mg37dsgw7cjk", post())).toMatchObject({
      status: 500,
      body: { error: "InternalServerError", message: "Internal Server Error" },
    });
  });

  it("checks the record against the post lexicon: 300 graphemes, createdAt, reply refs, uploaded blobs", async () => {
    const token = await login();
    const refused = async (record: Record<string, unknown>) =>
      (await create(token, "3mg37dsgw7cjk", record)).status;
    expect(await refused(post({ text: "é".repeat(301) }))).toBe(400);
    expect(await refused(post({ createdAt: "yesterday" }))).toBe(400);
    expect(
      await refused(post({ reply: { root: { uri: "at://x/y/z" }, parent: { uri: "at://x/y/z" } } })),
    ).toBe(400);
    const image = {
      image: { $type: "blob", ref: { $link: `b${"a".repeat(58)}` }, mimeType: "image/png", size: 3 },
      alt: "",
    };
    expect(await refused(post({ embed: { $type: "app.bsky.embed.images", images: [image] } }))).toBe(400);
    expect(env.standIn.posts.size).toBe(0);
  });

  it("takes a reply to a deleted post without a word, as a PDS does, and notes it", async () => {
    const token = await login();
    const first = await create(token, "3mg37dsgw7cjk", post());
    env.standIn.deletePost(String(first.body["uri"]));
    const ref = { uri: first.body["uri"], cid: first.body["cid"] };
    const reply = await create(token, "3mg37dsgw7cjl", post({ reply: { root: ref, parent: ref } }));

    expect(reply.status).toBe(200);
    expect(env.standIn.posts.get("3mg37dsgw7cjl")?.replyProblem).toContain("does not exist");
  });

  it("answers getRecord for a missing record with RecordNotFound", async () => {
    const token = await login();
    const missing = await xrpc("com.atproto.repo.getRecord", {
      token,
      query: `repo=${did()}&collection=app.bsky.feed.post&rkey=3mg37dsgw7cjk`,
    });
    expect(missing).toMatchObject({ status: 400, body: { error: "RecordNotFound" } });
  });
});
