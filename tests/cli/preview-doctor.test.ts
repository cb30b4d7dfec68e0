// `capbot preview` (a readable dry run, and --chart FILE) and `capbot doctor` on the embedded store.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ejsonCandle, tempDir, writeNdjson } from "./helpers.js";

function store() {
  const dir = tempDir();
  const env = { CAPBOT_DATA_DIR: join(dir, "data") };
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
  const candles = [
    ejsonCandle(hour, "binance", "btc", "usdt", "10", "50000"),
    ejsonCandle(hour, "okx", "btc", "usdt", "5", "50000"),
    ejsonCandle(hour, "kraken", "eth", "usd", "100", "3000"),
  ];
  expect(cli(["import", writeNdjson(dir, "c.ndjson", candles)], env).code).toBe(0);
  return { dir, env };
}

describe("capbot preview", () => {
  it("shows the candidates as a table, marks the chosen pair, then the message; writes nothing", () => {
    const { dir, env } = store();
    const before = readdirSync(join(dir, "data"));
    const r = cli(["preview"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/#\s+pair\s+usd \(USD\)\s+last posted/);
    expect(r.stdout).toMatch(/→1\s+BTC-USDT\s+750\.00k\s+never/);
    expect(r.stdout).toMatch(/ 2\s+ETH-USD\s+300\.00k\s+never/);
    expect(r.stdout).toContain("Top Market Venues for BTC-USDT:\nBinance: 66.67%\nOKX: 33.33%");
    expect(readdirSync(join(dir, "data"))).toEqual(before);
  });

  it("--chart FILE writes the chart of the next post as a 1200×675 PNG", () => {
    const { dir, env } = store();
    const file = join(dir, "next.png");
    const r = cli(["preview", "--chart", file], env);
    expect(r.code, r.stderr).toBe(0);
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 675]);
    expect(r.stdout).toMatch(/Alt text: .*Binance 66\.67%/);
  });
});

describe("failures read as one sentence", () => {
  it("preview --chart into a folder that does not exist: exit 1, one line, no stack trace", () => {
    const { dir, env } = store();
    const r = cli(["preview", "--chart", join(dir, "no", "such", "folder", "x.png")], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^capbot: could not write the chart to /m);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("capbot doctor on the embedded store", () => {
  it("passes with fresh data and the local publisher, exit 0", () => {
    const { env } = store();
    const r = cli(["doctor"], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✔ settings: store embedded/m);
    expect(r.stdout).toMatch(/^✔ publisher local: local timeline/m);
    expect(r.stdout).not.toMatch(/^✘/m);
  });

  it("stale data fails the freshness line with exit 3 and a fix; --json gives the same", () => {
    const { env } = store();
    expect(cli(["doctor", "--json"], env).code).toBe(0);
    const stale = cli(["doctor", "--json", "--max-data-age", "1m"], env);
    const out = JSON.parse(stale.stdout);
    expect(stale.code).toBe(3);
    expect(out.ok).toBe(false);
    const failed = out.checks.find((c: { ok: boolean }) => !c.ok);
    expect(failed.exitCode).toBe(3);
    expect(failed.fix).toMatch(/max-data-age|MAX_DATA_AGE/i);
  });

  it("a configuration error is the first failing line, exit 2", () => {
    const r = cli(["doctor"], { CAPBOT_TOP: "zero", CAPBOT_DATA_DIR: join(tempDir(), "d") });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^✘ settings: CAPBOT_TOP/m);
  });

  it("an embedded store that does not exist yet is reported as empty, and not created", () => {
    const dir = join(tempDir(), "missing");
    const r = cli(["doctor"], { CAPBOT_DATA_DIR: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^✔ embedded store: data directory .* will be created by the first run$/m);
    expect(r.stdout).toMatch(/^✘ candles: 0 candles stored/m);
    expect(existsSync(dir)).toBe(false);
  });
});
