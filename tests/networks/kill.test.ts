// Issue 14 end to end, SPEC §8 "exactly once" on each network: `capbot run` (the built CLI) with X,
// Bluesky, Mastodon and Telegram configured is killed with SIGKILL between a network's acceptance of
// the post and the record of it — either while the network holds its answer (it has acted; capbot has
// not heard), or at the failpoint just after the publish returned (`kill:after-publish@n`, the n-th
// publisher). After the dead run's lease is made to run out, the next run reconciles the pending intent
// — Bluesky finds the record under the key derived from the intent, Mastodon the status by its
// Idempotency-Key, Telegram cannot be asked and says `unknown` — and the network holds exactly one post
// for that intent: nothing was sent twice. The reconciled post is then the thread's tip (never an
// `unknown` one), and no output carries a secret.

import { describe, expect, it } from "vitest";
import { expireLock } from "../cli/helpers.js";
import { hour, NETWORKS, postOn, type RunJson, useNetworks } from "./harness.js";

const { s, bot } = useNetworks();

type Killed = "bluesky" | "mastodon" | "telegram";

/** Each network's posts in the order they were made, and the requests that could have made one. */
const network = {
  bluesky: {
    route: "POST com.atproto.repo.createRecord",
    received: () => s.bluesky.received("POST com.atproto.repo.createRecord"),
    ids: () => [...s.bluesky.posts.values()].map((p) => p.uri),
    sends: () => s.bluesky.requestsOn("POST com.atproto.repo.createRecord").length,
  },
  mastodon: {
    route: "POST /api/v1/statuses",
    received: () => s.mastodon.received("POST /api/v1/statuses"),
    ids: () => [...s.mastodon.statuses.keys()],
    // Only a request with a text can make a status (the reconciler's look-up by key sends none).
    sends: () => s.mastodon.requestsOn("POST /api/v1/statuses").filter((r) => r.body["status"] !== "").length,
  },
  telegram: {
    route: "sendPhoto",
    received: () => s.telegram.received("sendPhoto"),
    ids: () => s.telegram.messagesIn().map((m) => String(m.message_id)),
    sends: () => s.telegram.requestsOn("sendPhoto").length,
  },
} as const;

/**
 * The dead run was the second of the thread (hour 1, after hour 0 posted everywhere). The next run (hour
 * 2), once the dead run's lease ran out, reconciles its intent and goes on with every thread: from the
 * reconciled post on Bluesky and Mastodon, from the last post known to exist on Telegram.
 */
async function nextRun(killed: Killed, first: RunJson): Promise<void> {
  const net = network[killed];
  expect(net.sends()).toBe(2);
  const [, dead] = net.ids();
  expect(dead).toBeDefined();
  const pending = (await bot.history()).find((h) => h.publisher === killed);
  expect(pending).toMatchObject({ status: "pending", postId: null });

  expireLock(bot.dataDir);
  const { exit, result } = await bot.run(2);

  expect(exit.code).toBe(0);
  expect(result.status).toBe("posted");
  // One post per intent: the dead run's was never sent again.
  expect(net.ids()).toHaveLength(3);
  expect(net.sends()).toBe(3);
  const records = (await bot.history()).filter((h) => h.publisher === killed);
  const before = postOn(first, killed).postId;
  if (killed === "telegram") {
    expect(records[1]).toMatchObject({ status: "unknown", postId: null });
    expect(postOn(result, "telegram").inReplyTo).toBe(before);
  } else {
    expect(records[1]).toMatchObject({
      status: "posted",
      postId: dead,
      inReplyTo: before,
      url: expect.stringMatching(/^https:/),
    });
    expect(postOn(result, killed).inReplyTo).toBe(dead);
  }
  // Bluesky's thread keeps its root through the reconciled post (it is ours to check in every case).
  const [root, parent, last] = [...s.bluesky.posts.values()];
  const ref = (p: typeof root) => ({ uri: p?.uri, cid: p?.cid });
  expect(last?.value["reply"]).toEqual({ root: ref(root), parent: ref(parent) });
  expect([...s.bluesky.posts.values()].map((p) => p.replyProblem)).toEqual([null, null, null]);
}

describe("kill -9 between a network's acceptance and the record (end to end)", () => {
  it.each(["bluesky", "mastodon", "telegram"] as const)(
    "§8 %s has acted and holds its answer when the run dies: reconciled, one post for the intent",
    async (killed) => {
      const first = (await bot.run(0)).result;
      s[killed].script(network[killed].route, { hang: true, act: true });
      const reached = network[killed].received();
      const dying = bot.start(["run", "--json", "--as-of", hour(1)]);
      await reached;
      dying.child.kill("SIGKILL");
      expect((await dying.exit).signal).toBe("SIGKILL");

      await nextRun(killed, first);
    },
  );

  it.each([
    ["bluesky", 2],
    ["mastodon", 3],
    ["telegram", 4],
  ] as const)(
    "§8 %s answered and the run dies before recording it (kill:after-publish@%i): reconciled, one post for the intent",
    async (killed, nth) => {
      const first = (await bot.run(0)).result;
      const died = await bot.cli(["run", "--json", "--as-of", hour(1)], {
        CAPBOT_FAILPOINT: `kill:after-publish@${nth}`,
      });
      expect(died.signal).toBe("SIGKILL");
      // The networks before it posted and were recorded; none after it was tried.
      const second = (await bot.history()).slice(0, -NETWORKS.length);
      expect(second.map((h) => h.publisher).sort()).toEqual([...NETWORKS.slice(0, nth)].sort());

      await nextRun(killed, first);
    },
  );

  it("§5 §8 after a run died at Bluesky, a run for the same figures reconciles it and posts them nowhere else", async () => {
    const died = await bot.cli(["run", "--json", "--as-of", hour(0)], {
      CAPBOT_FAILPOINT: "kill:after-publish@2",
    });
    expect(died.signal).toBe("SIGKILL");
    expireLock(bot.dataDir);
    const again = await bot.run(0);

    // The text is out (on X, and on Bluesky as reconciled): it is never posted again, on any network.
    expect(again.exit.code).toBe(3);
    expect(again.result.candidates[0]?.reason).toMatch(/unchanged since its last post/);
    expect((await bot.history()).map((h) => [h.publisher, h.status]).sort()).toEqual([
      ["bluesky", "posted"],
      ["x", "posted"],
    ]);
    expect([
      s.x.posts.size,
      s.bluesky.posts.size,
      s.mastodon.statuses.size,
      s.telegram.messages.length,
    ]).toEqual([1, 1, 0, 0]);
  });

  it.each([
    ["bluesky", 2],
    ["mastodon", 3],
  ] as const)(
    "§7 §8 %s restarted a gone thread and the run died before recording it: the reconciled record says new thread",
    async (killed, nth) => {
      const first = (await bot.run(0)).result;
      s.bluesky.deletePost(String(postOn(first, "bluesky").postId));
      s.mastodon.statuses.delete(String(postOn(first, "mastodon").postId));
      const died = await bot.cli(["run", "--json", "--as-of", hour(1)], {
        CAPBOT_FAILPOINT: `kill:after-publish@${nth}`,
      });
      expect(died.signal).toBe("SIGKILL");
      const restarted =
        killed === "bluesky" ? [...s.bluesky.posts.values()][0]?.uri : [...s.mastodon.statuses.keys()][0];

      expireLock(bot.dataDir);
      const { result } = await bot.run(2);

      // The post that went out started a new thread: its record says so, not the intent's gone target.
      const records = (await bot.history()).filter((h) => h.publisher === killed);
      expect(records.map((h) => [h.status, h.postId, h.inReplyTo])).toEqual([
        ["posted", postOn(result, killed).postId, restarted],
        ["posted", restarted, null],
        ["posted", postOn(first, killed).postId, null],
      ]);
    },
  );
});
