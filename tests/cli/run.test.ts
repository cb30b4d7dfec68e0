// Issue 2, done-when: import of candles and posts, then `run --dry-run --json --as-of T` gives exactly
// what SPEC.md defines; eight runs post eight times in the spec's order, threading each pair; a dry
// run writes nothing; a fresh data folder gets the demo data and a post.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ejsonCandle, tempDir, writeNdjson } from "./helpers.js";

const AS_OF = "2026-03-02T12:00:00Z";

/** Hand-computed expectations live beside the data they come from. */
function fixture(dir: string) {
  const candles = [
    // BTC-USDT: 4 + 2 + 1 BTC at 50,000 → usd 350,000. Mixed case and padding must merge.
    ejsonCandle("2026-03-02T11:00:00Z", " Binance ", "btc", "USDT", "4", "50000"),
    ejsonCandle("2026-03-02T11:00:00Z", "binance", "BTC", "usdt", "3", "50000"), // duplicate, smaller: ignored
    ejsonCandle(
      "2026-03-02T10:00:00Z",
      "coinbase",
      "btc",
      "usdt",
      { $numberDecimal: "2" },
      { $numberDecimal: "50000" },
    ),
    ejsonCandle("2026-03-02T09:00:00Z", "kraken", "btc", "usdt", 1, 50000),
    // ETH-BTC: 100 ETH at 0.05 BTC → 5 BTC → × BTC's USDT rate 50,000 → usd 250,000.
    ejsonCandle("2026-03-02T08:00:00Z", "okx", "eth", "btc", "100", "0.05"),
    // ETH-USDT: on the window's first instant (counts) and on as-of itself (does not).
    ejsonCandle("2026-03-01T12:00:00Z", "binance", "eth", "usdt", "50", "3000"),
    ejsonCandle(AS_OF, "binance", "eth", "usdt", "1000", "3000"),
    // DOGE-EUR: EUR has no USD, USDT or USDC pair → unpriced.
    ejsonCandle("2026-03-02T07:00:00Z", "kraken", "doge", "eur", "1000", "0.1"),
    // Invalid values inside the window: skipped and counted (4).
    ejsonCandle("2026-03-02T06:00:00Z", "binance", "xrp", "usdt", "", "0.5"),
    ejsonCandle("2026-03-02T06:00:00Z", "okx", "xrp", "usdt", "10", "0"),
    ejsonCandle("2026-03-02T06:00:00Z", "kraken", "xrp", "usdt", "NaN", "0.5"),
    ejsonCandle("2026-03-02T06:00:00Z", "", "xrp", "usdt", "10", "0.5"),
    // Other granularity and outside the window: neither counted nor skipped.
    ejsonCandle("2026-03-02T11:59:00Z", "binance", "xrp", "usdt", "9999", "0.5", "1m"),
    ejsonCandle("2026-03-01T11:00:00Z", "binance", "xrp", "usdt", "9999", "0.5"),
  ];
  const posts = [
    // legacy: pair as an array, numeric id, no status, no publisher (made on x)
    {
      time: { $date: "2026-03-01T00:00:00Z" },
      pair: ["BTC-USDT"],
      tweet_text: "old",
      tweet_id: 1602690412345678,
    },
    // capbot's own earlier local post: the local thread tip
    {
      time: { $date: "2026-03-01T06:00:00Z" },
      pair: "BTC-USDT",
      tweet_text: "earlier",
      tweet_id: "local-abc",
      publisher: "local",
      status: "posted",
    },
    { time: { $date: "2026-02-28T00:00:00Z" }, pair: "ETH-USDT", tweet_text: "old eth" },
    // a failed post does not count
    {
      time: { $date: "2026-03-02T01:00:00Z" },
      pair: "ETH-BTC",
      tweet_text: "x",
      publisher: "local",
      status: "failed",
    },
  ];
  return {
    candles: writeNdjson(dir, "candles.ndjson", candles),
    posts: writeNdjson(dir, "posts.ndjson", posts),
  };
}

function importFixture() {
  const dir = tempDir();
  const env = { CAPBOT_DATA_DIR: join(dir, "data") };
  const files = fixture(dir);
  const a = cli(["import", files.candles, "--into", "ohlcv"], env);
  expect(a.code, a.stderr).toBe(0);
  const b = cli(["import", files.posts, "--into", "posts"], env);
  expect(b.code, b.stderr).toBe(0);
  return { dir, env };
}

describe("capbot run on imported data (SPEC §3–7, §9)", () => {
  it("dry run: pair, text, reply target, candidate order, metrics, skipped and unpriced counts", () => {
    const { env } = importFixture();
    // Version 1's choice: the anomaly guard off and one venue enough (SPEC §3a, §5 rule 1).
    const r = cli(
      ["run", "--dry-run", "--json", "--as-of", AS_OF, "--anomalies", "off", "--min-venues", "1"],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: "dry-run",
      pair: "ETH-BTC", // never posted comes first (the failed post does not count)
      text: "Top Market Venues for ETH-BTC:\nOKX: 100.00%",
      inReplyTo: null,
      postId: null,
      publisher: "local",
      rankBy: "usd",
      asOf: "2026-03-02T12:00:00.000Z",
      window: { from: "2026-03-01T12:00:00.000Z", to: "2026-03-02T12:00:00.000Z" },
      granularity: "1h",
      skippedCandles: 4,
      unpricedPairs: 1,
    });
    expect(out.candidates.map((c: { pair: string }) => c.pair)).toEqual(["BTC-USDT", "ETH-BTC", "ETH-USDT"]);
    expect(out.candidates[0].metric).toBeCloseTo(350_000, 6);
    expect(out.candidates[1].metric).toBeCloseTo(250_000, 6);
    expect(out.candidates[2].metric).toBeCloseTo(150_000, 6);
    expect(out.candidates[0].lastPostedAt).toBe("2026-03-01T06:00:00.000Z");
    expect(out.candidates[1].lastPostedAt).toBeNull();
    expect(out.candidates[2].lastPostedAt).toBe("2026-02-28T00:00:00.000Z");
    expect(out.venues).toEqual([{ venue: "okx", label: "OKX", volume: 100, share: 1 }]);
    // §9: exactly the spec's object, in its order, nothing more
    expect(Object.keys(out)).toEqual([
      "status",
      "pair",
      "text",
      "inReplyTo",
      "postId",
      "publisher",
      "rankBy",
      "asOf",
      "window",
      "granularity",
      "candidates",
      "venues",
      "posts",
      "anomalies",
      "skippedCandles",
      "unpricedPairs",
    ]);
    expect(out.anomalies).toEqual([]);
  });

  it("--pair BTC-USDT: largest remainder shares and the local thread tip as reply target", () => {
    const { env } = importFixture();
    const r = cli(["run", "--dry-run", "--json", "--as-of", AS_OF, "--pair", "btc-usdt"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pair).toBe("BTC-USDT");
    expect(out.text).toBe(
      "Top Market Venues for BTC-USDT:\nBinance: 57.14%\nCoinbase: 28.57%\nKraken: 14.29%",
    );
    expect(out.inReplyTo).toBe("local-abc");
    expect(out.venues.map((v: { venue: string; volume: number }) => [v.venue, v.volume])).toEqual([
      ["binance", 4],
      ["coinbase", 2],
      ["kraken", 1],
    ]);
  });

  it("--rank-by volume ranks by base units (the challenge's literal behaviour)", () => {
    const { env } = importFixture();
    const out = JSON.parse(
      cli(["run", "--dry-run", "--json", "--as-of", AS_OF, "--rank-by", "volume"], env).stdout,
    );
    expect(out.candidates.map((c: { pair: string }) => c.pair)).toEqual([
      "DOGE-EUR",
      "ETH-BTC",
      "ETH-USDT",
      "BTC-USDT",
    ]);
    expect(out.unpricedPairs).toBe(0);
  });

  it("--pair with no counted candles exits 3", () => {
    const { env } = importFixture();
    const r = cli(["run", "--dry-run", "--json", "--as-of", AS_OF, "--pair", "XRP-USDT"], env);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "error" });
  });

  it("stale data exits 3 with the age; --max-data-age off lifts the guard", () => {
    const { env } = importFixture();
    const r = cli(["run", "--dry-run", "--json", "--as-of", "2026-03-02T20:00:00Z"], env);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatch(/8h/);
    const ok = cli(
      ["run", "--dry-run", "--json", "--as-of", "2026-03-02T20:00:00Z", "--max-data-age", "off"],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("a usage error under --json still prints one JSON object on stdout, exit 2", () => {
    const r = cli(["run", "--json", "--rank-by", "shares"], { CAPBOT_DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: "error",
      error: expect.stringContaining("--rank-by"),
    });
  });

  it("schedule has no --as-of: every tick is now", () => {
    expect(cli(["schedule", "--as-of", AS_OF], { CAPBOT_DATA_DIR: tempDir() }).code).toBe(2);
  });

  it("a usage error exits 2", () => {
    expect(cli(["run", "--rank-by", "shares"], {}).code).toBe(2);
    expect(cli(["run", "--top", "many"], { CAPBOT_DATA_DIR: tempDir() }).code).toBe(2);
  });
});

describe("eight consecutive runs", () => {
  it("post eight times in the spec's order, each replying to the previous post of its pair", () => {
    const dir = tempDir();
    const env = { CAPBOT_DATA_DIR: join(dir, "data"), CAPBOT_CHART: "off" };
    const now = new Date();
    const hourMs = Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000;
    const hour = new Date(hourMs).toISOString();
    const candles = [
      ejsonCandle(hour, "binance", "btc", "usdt", "10", "50000"), // 500,000
      ejsonCandle(hour, "binance", "eth", "usdt", "100", "3000"), // 300,000
      ejsonCandle(hour, "kraken", "sol", "usd", "1000", "100"), // 100,000
    ];
    expect(cli(["import", writeNdjson(dir, "c.ndjson", candles)], env).code).toBe(0);
    /**
     * Before each run, a little more volume on a second venue of every pair, so that each post's figures
     * differ from its pair's last one (SPEC §5: the same figures are never posted twice in a row), while
     * the ranking stays BTC, ETH, SOL.
     */
    const moreVolume = (i: number) => {
      const at = new Date(hourMs - (i + 1) * 60_000).toISOString();
      const more = [
        ejsonCandle(at, "okx", "btc", "usdt", String(0.01 * (i + 2)), "50000"),
        ejsonCandle(at, "okx", "eth", "usdt", String(0.1 * (i + 2)), "3000"),
        ejsonCandle(at, "okx", "sol", "usd", String(i + 2), "100"),
      ];
      expect(cli(["import", writeNdjson(dir, `more-${i}.ndjson`, more)], env).code).toBe(0);
    };
    moreVolume(-1);

    const before = readdirSync(join(dir, "data")).map((f) => [f, statSync(join(dir, "data", f)).mtimeMs]);
    const dry = cli(["run", "--dry-run", "--json"], env);
    expect(dry.code, dry.stderr).toBe(0);
    const after = readdirSync(join(dir, "data")).map((f) => [f, statSync(join(dir, "data", f)).mtimeMs]);
    expect(after).toEqual(before); // --dry-run writes nothing

    const results = [];
    for (let i = 0; i < 8; i++) {
      moreVolume(i);
      const r = cli(["run", "--json"], env);
      expect(r.code, r.stderr).toBe(0);
      results.push(JSON.parse(r.stdout));
    }
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("posted"));
    const order = ["BTC-USDT", "ETH-USDT", "SOL-USD"];
    expect(results.map((r) => r.pair)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => order[i % 3]));
    for (let i = 0; i < 8; i++) {
      expect(results[i].inReplyTo).toBe(i < 3 ? null : results[i - 3].postId);
    }
    const outbox = readFileSync(join(dir, "data", "outbox.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(outbox).toHaveLength(8);
    expect(outbox.map((l) => l.id)).toEqual(results.map((r) => r.postId));
    expect(outbox.map((l) => l.in_reply_to)).toEqual(results.map((r) => r.inReplyTo));
    expect(outbox.map((l) => l.text)).toEqual(results.map((r) => r.text));
  });
});

describe("first run on a fresh data folder", () => {
  it("fills the demo data, says so, and posts to the local timeline", () => {
    const dir = tempDir();
    const r = cli(["run"], { CAPBOT_DATA_DIR: join(dir, "data") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/demo data/);
    expect(r.stdout).toMatch(/^Top Market Venues for [A-Z]+-[A-Z]+:$/m);
    expect(r.stdout).toMatch(/: (\d+\.\d\d|<0\.01)%$/m);
    const outbox = readFileSync(join(dir, "data", "outbox.ndjson"), "utf8")
      .trim()
      .split("\n");
    expect(outbox).toHaveLength(1);
    expect(readdirSync(join(dir, "data")).some((f) => f.endsWith(".png"))).toBe(true);
  });
});

describe("demo data never reaches X", () => {
  it("an empty embedded store with the X keys set is not filled: exit 3, nothing sent, nothing stored", () => {
    const dir = tempDir();
    const env = {
      CAPBOT_DATA_DIR: join(dir, "data"),
      TW_CONSUMER_KEY: "fake-consumer-key",
      TW_CONSUMER_KEY_SECRET: "fake-consumer-secret",
      TW_ACCESS_TOKEN: "fake-access-token",
      TW_ACCESS_TOKEN_SECRET: "fake-access-secret",
      X_API_BASE_URL: "https://127.0.0.1:9",
    };
    const r = cli(["run", "--json"], env);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "error", publisher: "x" });
    expect(r.stdout + r.stderr).not.toMatch(/demo data set \(/);
    const history = cli(["history", "--json"], env);
    expect(JSON.parse(history.stdout)).toEqual([]);
  });
});
