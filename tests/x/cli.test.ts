// End-to-end: the built CLI (`node dist/cli/main.js`) as a child process, publishing to the HTTPS
// stand-in (trusted through NODE_EXTRA_CA_CERTS), on a temporary embedded store (issue 4 §Tests).
// Each scenario checks what the stand-in received and what the store recorded; every byte the
// children print is searched for the fake secrets.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { expireLock } from "../cli/helpers.js";
import { useStandIn } from "../use-stand-in.js";
import { leakedSecrets } from "./harness.js";
import { FAKE_KEYS, X_ANSWERS, XStandIn } from "./stand-in.js";

const CLI = resolve("dist/cli/main.js");
const T = Date.parse("2026-03-02T12:00:00Z");
const HOUR = 3_600_000;
const AS_OF = new Date(T).toISOString();
const AS_OF_NEXT_HOUR = new Date(T + HOUR).toISOString();

const env = useStandIn(XStandIn);
let dir: string;
const everything: string[] = [];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(
  args: string[],
  extra: Record<string, string> = {},
): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"] ?? "",
      CAPBOT_DATA_DIR: join(dir, "data"),
      CAPBOT_STORE: "embedded",
      TW_CONSUMER_KEY: FAKE_KEYS.consumerKey,
      TW_CONSUMER_KEY_SECRET: FAKE_KEYS.consumerSecret,
      TW_ACCESS_TOKEN: FAKE_KEYS.accessToken,
      TW_ACCESS_TOKEN_SECRET: FAKE_KEYS.accessSecret,
      X_API_BASE_URL: env.standIn.url,
      NODE_EXTRA_CA_CERTS: env.certificate.caFile,
      LOG_LEVEL: "debug",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  const exit = new Promise<Exit>((done) => {
    child.on("close", (code, signal) => {
      everything.push(stdout, stderr);
      done({ code, signal, stdout, stderr });
    });
  });
  return { child, exit };
}

const cli = (args: string[], extra: Record<string, string> = {}): Promise<Exit> => start(args, extra).exit;

function runJson(exit: Exit): Record<string, unknown> {
  try {
    return JSON.parse(exit.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${exit.code}): ${exit.stdout}\n${exit.stderr}`);
  }
}

async function history(): Promise<Record<string, unknown>[]> {
  const exit = await cli(["history", "--json", "--pair", "BTC-USDT"]);
  return JSON.parse(exit.stdout) as Record<string, unknown>[];
}

function candle(hoursBefore: number, venue: string, volume: string): string {
  return JSON.stringify({
    timestamp: { $date: new Date(T - hoursBefore * HOUR).toISOString() },
    market_id: `${venue}-btc-usdt`,
    marketVenue: venue,
    pair_symbol: "btc",
    pair_base: "usdt",
    granularity: "1h",
    open: "60000",
    high: "60100",
    low: "59900",
    close: "60000",
    volume,
  });
}

/** Three hours of BTC-USDT on three venues before T, and one more hour (a different mix) from T. */
function importCandles(): Promise<Exit> {
  const lines = [
    ...[3, 2, 1].flatMap((h) => [
      candle(h, "binance", "120"),
      candle(h, "coinbase", "45"),
      candle(h, "kraken", "20"),
    ]),
    candle(0, "binance", "30"),
    candle(0, "coinbase", "300"),
  ];
  const file = join(dir, "candles.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return cli(["import", file, "--into", "ohlcv"]);
}

afterAll(() => {
  expect(leakedSecrets(everything.join("\n"))).toEqual([]);
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "capbot-x-cli-"));
  const imported = await importCandles();
  expect(imported.code).toBe(0);
});
afterEach(() => {
  expect(env.standIn.requests.every((r) => r.signatureProblem === null)).toBe(true);
  rmSync(dir, { recursive: true, force: true });
});

describe("capbot run → X (end to end)", () => {
  it("§7 a new thread: one POST without reply, recorded posted with X's id", async () => {
    const exit = await cli(["run", "--json", "--as-of", AS_OF]);
    const result = runJson(exit);

    expect(exit.code).toBe(0);
    expect(result).toMatchObject({ status: "posted", publisher: "x", pair: "BTC-USDT", inReplyTo: null });
    const posts = env.standIn.requestsOn("POST /2/tweets");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.json).toMatchObject({ text: result["text"] });
    expect(posts[0]?.json).not.toHaveProperty("reply");
    expect([...env.standIn.posts.keys()]).toEqual([result["postId"]]);
    const [record] = await history();
    expect(record).toMatchObject({ status: "posted", postId: result["postId"] });
  });

  it("§7 a reply to a legacy thread (a posts_db document without publisher)", async () => {
    env.standIn.seedPost(
      "1602000000000000001",
      "Top Market Venues for BTC-USDT:\nBinance: 66.64%",
      new Date("2022-12-13T12:21:00Z"),
    );
    const legacy = join(dir, "posts.ndjson");
    writeFileSync(
      legacy,
      `${JSON.stringify({ time: { $date: "2022-12-13T12:21:00Z" }, pair: "BTC-USDT", tweet_text: "Top Market Venues for BTC-USDT:\nBinance: 66.64%", tweet_id: "1602000000000000001" })}\n`,
    );
    expect((await cli(["import", legacy, "--into", "posts"])).code).toBe(0);
    const result = runJson(await cli(["run", "--json", "--as-of", AS_OF]));

    expect(result).toMatchObject({ status: "posted", inReplyTo: "1602000000000000001" });
    expect(env.standIn.requestsOn("POST /2/tweets")[0]?.json).toMatchObject({
      reply: { in_reply_to_tweet_id: "1602000000000000001" },
    });
    expect(env.standIn.posts.get(String(result["postId"]))?.inReplyTo).toBe("1602000000000000001");
  });

  it("§7 the next run replies to the bot's own last post", async () => {
    const first = runJson(await cli(["run", "--json", "--as-of", AS_OF]));
    const second = runJson(await cli(["run", "--json", "--as-of", AS_OF_NEXT_HOUR]));

    expect(second).toMatchObject({ status: "posted", inReplyTo: first["postId"] });
    const bodies = env.standIn.requestsOn("POST /2/tweets").map((r) => r.json);
    expect(bodies[1]).toMatchObject({ reply: { in_reply_to_tweet_id: first["postId"] } });
  });

  it("§9 401: one request, exit 4, recorded failed; the message names the TW_ settings", async () => {
    env.standIn.script("POST /2/tweets", X_ANSWERS.unauthorized);
    const exit = await cli(["run", "--json", "--as-of", AS_OF], { CAPBOT_CHART: "off" });
    const result = runJson(exit);

    expect(exit.code).toBe(4);
    expect(result["status"]).toBe("error");
    expect(String(result["error"])).toContain("TW_ACCESS_TOKEN_SECRET");
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
    const [record] = await history();
    expect(record).toMatchObject({ status: "failed" });
  });

  it("§7 reply target deleted: posted as a new thread, recorded with in_reply_to null", async () => {
    const legacy = join(dir, "posts.ndjson");
    writeFileSync(
      legacy,
      `${JSON.stringify({ time: { $date: "2022-12-13T12:21:00Z" }, pair: "BTC-USDT", tweet_text: "Top Market Venues for BTC-USDT:\nBinance: 66.64%", tweet_id: "1602000000000000002" })}\n`,
    );
    expect((await cli(["import", legacy, "--into", "posts"])).code).toBe(0);
    const result = runJson(await cli(["run", "--json", "--as-of", AS_OF]));

    const bodies = env.standIn.requestsOn("POST /2/tweets").map((r) => r.json);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toHaveProperty("reply");
    expect(bodies[1]).not.toHaveProperty("reply");
    expect(result).toMatchObject({ status: "posted", inReplyTo: null });
    const [record] = await history();
    expect(record).toMatchObject({ status: "posted", postId: result["postId"], inReplyTo: null });
  });

  it("§8 killed after X received the post and before it answered: the next run reconciles, no second POST", async () => {
    env.standIn.script("POST /2/tweets", { hang: true, act: true });
    const budget = { CAPBOT_MAX_POSTS_PER_DAY: "1" };
    const dying = start(["run", "--json", "--as-of", AS_OF], budget);
    await env.standIn.received("POST /2/tweets");
    dying.child.kill("SIGKILL");
    expect((await dying.exit).signal).toBe("SIGKILL");
    const [pending] = await history();
    expect(pending).toMatchObject({ status: "pending" });

    expireLock(join(dir, "data"));
    const next = runJson(await cli(["run", "--json", "--as-of", AS_OF], budget));

    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
    const [storedId] = [...env.standIn.posts.keys()];
    const [record] = await history();
    expect(record).toMatchObject({ status: "posted", postId: storedId });
    expect(next["status"]).toBe("skipped");
  });

  it("§8 two runs at once: one posts, the other is skipped", async () => {
    let release = (): void => {};
    env.standIn.script("POST /2/tweets", { held: new Promise<void>((r) => (release = r)) });
    const a = start(["run", "--json", "--as-of", AS_OF]);
    const b = start(["run", "--json", "--as-of", AS_OF]);
    await env.standIn.received("POST /2/tweets");
    const firstDone = await Promise.race([a.exit, b.exit]);
    release();
    const [ea, eb] = await Promise.all([a.exit, b.exit]);

    expect(runJson(firstDone)["status"]).toBe("skipped");
    expect([runJson(ea)["status"], runJson(eb)["status"]].sort()).toEqual(["posted", "skipped"]);
    expect([ea.code, eb.code]).toEqual([0, 0]);
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
  });

  it("§9 a proxy that echoes the request's headers: no key in stdout, stderr, the stored error, history, doctor or the step summary", async () => {
    const summary = join(dir, "summary.md");
    env.standIn.script("POST /2/tweets", { echo: 401, as: "json" });
    env.standIn.script(
      "GET /2/users/me",
      { echo: 502, as: "html" },
      { echo: 502, as: "html" },
      { echo: 502, as: "html" },
    );
    const run = await cli(["run", "--json", "--as-of", AS_OF], { GITHUB_STEP_SUMMARY: summary });
    expect(run.code).toBe(4);
    expect(runJson(run)["error"]).toMatch(/X refused the keys/);
    // The proxy did quote the keys: the test would be empty if it had not.
    const sent = env.standIn.requestsOn("POST /2/tweets")[0]?.headers["authorization"] ?? "";
    expect(sent).toContain(`oauth_consumer_key="${FAKE_KEYS.consumerKey}"`);
    const doctor = await cli(["doctor"]);
    const records = await cli(["history", "--json"]);
    const outputs = [
      run.stdout,
      run.stderr,
      doctor.stdout,
      doctor.stderr,
      records.stdout,
      readFileSync(summary, "utf8"),
    ];
    for (const output of outputs) {
      expect(leakedSecrets(output)).toEqual([]);
      expect(output).not.toMatch(/oauth_(consumer_key|token|signature|nonce)=\\?"?[A-Za-z0-9%]/);
    }
    expect(JSON.parse(records.stdout)[0]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/X refused the keys/),
    });
  });

  it("§8a a run paused past its lease after its intent: the run that took over posts; the paused one wakes and posts nothing", async () => {
    const paused = start(["run", "--json", "--as-of", AS_OF], { CAPBOT_FAILPOINT: "pause:after-intent" });
    await stopped(paused.child);
    // Its lease runs out while it sleeps (a VM freeze, a long GC): another run takes over and posts the pair.
    expireLock(join(dir, "data"));
    const other = runJson(await cli(["run", "--json", "--as-of", AS_OF]));
    expect(other).toMatchObject({ status: "posted", pair: "BTC-USDT" });
    paused.child.kill("SIGCONT");
    const woken = await paused.exit;

    expect(woken.code).toBe(4);
    expect(runJson(woken)["error"]).toMatch(/lost its lock lease before posting to x/);
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
    const records = await history();
    expect(records.filter((r) => r["status"] === "posted")).toHaveLength(1);
    expect(records.find((r) => r["status"] === "failed")).toBeDefined();
  });

  it("§8a a run paused after its lease check, just before posting: the request that would post is never sent", async () => {
    const paused = start(["run", "--json", "--as-of", AS_OF], { CAPBOT_FAILPOINT: "pause:before-publish" });
    await stopped(paused.child);
    expireLock(join(dir, "data"));
    expect(runJson(await cli(["run", "--json", "--as-of", AS_OF]))["status"]).toBe("posted");
    paused.child.kill("SIGCONT");
    const woken = await paused.exit;

    expect(woken.code).toBe(4);
    expect(env.standIn.requestsOn("POST /2/tweets")).toHaveLength(1);
  });

  it("§8a a lock file from the far future does not stop the bot: it is treated as expired", async () => {
    const lock = join(dir, "data", "capbot.lock");
    writeFileSync(lock, '{"owner":"x","expiresAt":"2099-01-01T00:00:00Z"}');
    const doctor = await cli(["doctor", "--as-of", AS_OF]);
    expect(doctor.stdout).toMatch(
      /lock: held by run x until 2099-01-01T00:00:00.000Z, more than one lease ahead: runs treat it as expired/,
    );
    const run = runJson(await cli(["run", "--json", "--as-of", AS_OF]));
    expect(run["status"]).toBe("posted");
  });
});

/** Resolves once the process has stopped itself (SIGSTOP at a failpoint): its state in /proc is T. */
async function stopped(child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("T")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run never reached its failpoint");
}
