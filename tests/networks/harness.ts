// The end-to-end harness of issue 14 (useNetworks): the four HTTPS stand-ins (X, Bluesky, Mastodon,
// Telegram) started once per file, the built CLI (`node dist/cli/main.js`) run as a child process
// against all of them on a temporary embedded store, and every byte the children print (and every file
// they write for a person) kept and searched for the stand-ins' fake secrets after each test.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import type { HistoryEntry } from "../../src/report/history.js";
import { BlueskyStandIn, FAKE_ACCOUNT } from "../bluesky/stand-in.js";
import { FAKE_TOKEN as MASTODON_TOKEN, MastodonStandIn } from "../mastodon/stand-in.js";
import { CHANNEL, FAKE_TOKEN as TELEGRAM_TOKEN, TelegramStandIn } from "../telegram/stand-in.js";
import { useStandIn } from "../use-stand-in.js";
import { FAKE_KEYS, XStandIn } from "../x/stand-in.js";

const CLI = resolve("dist/cli/main.js");
const T = Date.parse("2026-03-02T12:00:00Z");
const HOUR = 3_600_000;
export const NETWORKS = ["x", "bluesky", "mastodon", "telegram"] as const;
export type Network = (typeof NETWORKS)[number];

/** `--as-of` for the k-th hour from T: each one sees one more hour of candles, so its figures differ. */
export const hour = (k: number): string => new Date(T + k * HOUR).toISOString();

interface StandIns {
  x: XStandIn;
  bluesky: BlueskyStandIn;
  mastodon: MastodonStandIn;
  telegram: TelegramStandIn;
}

/**
 * The file's four stand-ins, started once and reset before each test, and its bot, in a fresh folder
 * with the candles imported for each test. After each test, all the children printed and the step
 * summary are searched for the stand-ins' secrets and the `otherSecrets` the test configured.
 */
export function useNetworks(): { s: StandIns; bot: Bot; otherSecrets: string[] } {
  const s: StandIns = {
    x: useStandIn(XStandIn).standIn,
    bluesky: useStandIn(BlueskyStandIn).standIn,
    mastodon: useStandIn(MastodonStandIn).standIn,
    telegram: useStandIn(TelegramStandIn).standIn,
  };
  const shown: string[] = [];
  const otherSecrets: string[] = [];
  const bot = new Bot(s, shown);
  beforeEach(async () => {
    otherSecrets.length = 0;
    await bot.begin();
  });
  afterEach(() => {
    bot.end();
    expect(leakedSecrets(s, shown.join("\n"), otherSecrets)).toEqual([]);
    shown.length = 0;
  });
  return { s, bot, otherSecrets };
}

/** Every network's credentials and address, as an operator sets them. */
function networkEnv(s: StandIns): Record<string, string> {
  return {
    TW_CONSUMER_KEY: FAKE_KEYS.consumerKey,
    TW_CONSUMER_KEY_SECRET: FAKE_KEYS.consumerSecret,
    TW_ACCESS_TOKEN: FAKE_KEYS.accessToken,
    TW_ACCESS_TOKEN_SECRET: FAKE_KEYS.accessSecret,
    X_API_BASE_URL: s.x.url,
    BLUESKY_IDENTIFIER: FAKE_ACCOUNT.handle,
    BLUESKY_APP_PASSWORD: FAKE_ACCOUNT.appPassword,
    BLUESKY_SERVICE: s.bluesky.url,
    MASTODON_URL: s.mastodon.url,
    MASTODON_ACCESS_TOKEN: MASTODON_TOKEN,
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_CHAT_ID: `@${CHANNEL.username}`,
    TELEGRAM_API_BASE_URL: s.telegram.url,
  };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface PostJson {
  publisher: Network;
  status: "posted" | "failed" | "pending" | "skipped";
  postId: string | null;
  inReplyTo: string | null;
  url: string | null;
  error?: string;
  reason?: string;
}

export interface RunJson {
  status: string;
  pair: string | null;
  text: string | null;
  postId: string | null;
  inReplyTo: string | null;
  publisher: string;
  posts: PostJson[];
  candidates: { pair: string; reason?: string }[];
  reason?: string;
  error?: string;
}

/**
 * The CLI, run in a temporary folder of each test's own (store, step summary) with the candles
 * imported. What the children print is added to `shown`, which is searched for secrets after the test.
 */
class Bot {
  private dir = "";

  constructor(
    private readonly standIns: StandIns,
    private readonly shown: string[],
  ) {}

  get dataDir(): string {
    return join(this.dir, "data");
  }

  private get summaryFile(): string {
    return join(this.dir, "step-summary.md");
  }

  /** A new folder for the next test, with the candles imported. */
  async begin(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "capbot-networks-"));
    await this.importCandles();
  }

  /** Keeps the step summary for the search, and removes the folder. */
  end(): void {
    this.summary();
    rmSync(this.dir, { recursive: true, force: true });
  }

  start(args: string[], extra: Record<string, string> = {}): { child: ChildProcess; exit: Promise<Exit> } {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: {
        PATH: process.env["PATH"] ?? "",
        NODE_EXTRA_CA_CERTS: process.env["NODE_EXTRA_CA_CERTS"] ?? "",
        CAPBOT_DATA_DIR: this.dataDir,
        CAPBOT_STORE: "embedded",
        GITHUB_STEP_SUMMARY: this.summaryFile,
        LOG_LEVEL: "debug",
        ...networkEnv(this.standIns),
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
        this.shown.push(stdout, stderr);
        done({ code, signal, stdout, stderr });
      });
    });
    return { child, exit };
  }

  cli(args: string[], extra: Record<string, string> = {}): Promise<Exit> {
    return this.start(args, extra).exit;
  }

  /** `capbot run --json --as-of` the k-th hour from T. */
  async run(
    k: number,
    extra: Record<string, string> = {},
    flags: string[] = [],
  ): Promise<{ exit: Exit; result: RunJson }> {
    const exit = await this.cli(["run", "--json", "--as-of", hour(k), ...flags], extra);
    return { exit, result: parseJson<RunJson>(exit) };
  }

  /** The pair's posts, newest first, as `history --json` prints them. */
  async history(): Promise<HistoryEntry[]> {
    const exit = await this.cli(["history", "--json", "--pair", "BTC-USDT"]);
    return parseJson<HistoryEntry[]>(exit);
  }

  /** The step summary written so far (every run appends its own); kept to be searched for secrets. */
  summary(): string {
    let text = "";
    try {
      text = readFileSync(this.summaryFile, "utf8");
    } catch {
      // no run has written one yet
    }
    this.shown.push(text);
    return text;
  }

  /**
   * BTC-USDT on three venues: three hours before T alike, then from T one hour each with a mix of its
   * own, so that every later `--as-of` composes a different text (SPEC §5: the same figures are never
   * posted twice in a row).
   */
  private async importCandles(): Promise<void> {
    const lines: string[] = [];
    for (const h of [-3, -2, -1]) lines.push(...hourOf(h, 120, 45, 20));
    for (let h = 0; h < 8; h++) lines.push(...hourOf(h, 30 + 17 * h, 300 - 23 * h, 5 + 3 * h));
    const file = join(this.dir, "candles.ndjson");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const imported = await this.cli(["import", file, "--into", "ohlcv"]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  }
}

function hourOf(h: number, binance: number, coinbase: number, kraken: number): string[] {
  const at = new Date(T + h * HOUR).toISOString();
  return [
    ["binance", binance],
    ["coinbase", coinbase],
    ["kraken", kraken],
  ].map(([venue, volume]) =>
    JSON.stringify({
      timestamp: { $date: at },
      market_id: `${venue}-btc-usdt`,
      marketVenue: venue,
      pair_symbol: "btc",
      pair_base: "usdt",
      granularity: "1h",
      open: "60000",
      high: "60100",
      low: "59900",
      close: "60000",
      volume: String(volume),
    }),
  );
}

function parseJson<T>(exit: Exit): T {
  try {
    return JSON.parse(exit.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${exit.code} ${exit.signal ?? ""}): ${exit.stdout}\n${exit.stderr}`);
  }
}

/** A run's outcome on one network. */
export function postOn(result: RunJson, network: Network): PostJson {
  const post = result.posts.find((p) => p.publisher === network);
  if (!post) throw new Error(`no ${network} in posts[]: ${JSON.stringify(result.posts)}`);
  return post;
}

/**
 * Every fake secret of the four stand-ins found in `output`: X's four keys, Bluesky's app password and
 * each session token it handed out (or any part of one), Mastodon's access token, Telegram's bot token
 * (whole, its secret half), and any `others` a test configured (wrong credentials are secrets too); each
 * as it is or percent-encoded.
 */
function leakedSecrets(s: StandIns, output: string, others: readonly string[] = []): string[] {
  const telegramSecret = TELEGRAM_TOKEN.slice(TELEGRAM_TOKEN.indexOf(":") + 1);
  const jwtParts = s.bluesky.issuedTokens.flatMap((token) => [token, ...token.split(".").slice(1)]);
  const secrets = [
    ...Object.values(FAKE_KEYS),
    FAKE_ACCOUNT.appPassword,
    ...jwtParts,
    MASTODON_TOKEN,
    TELEGRAM_TOKEN,
    telegramSecret,
    ...others,
  ];
  return [...new Set(secrets.flatMap((v) => [v, encodeURIComponent(v)]))].filter((v) => output.includes(v));
}
