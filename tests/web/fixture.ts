// The data the page's tests read: the demo data set at a fixed instant, one real post on the local
// timeline (so that there is a thread and a recorded run), and what an attacker could put in the data —
// a venue named like markup in the next post, a post text and an error that try the same, a post link
// that is a `javascript:` address, and an error quoting the page's token.

import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { cli, ejsonCandle, writeNdjson } from "../cli/helpers.js";

export const AS_OF = "2026-03-02T12:00:00Z";
export const TOKEN = "fake-serve-token-for-tests-0123456789";
export const XSS_VENUE = "<img src=x onerror=alert(1)>";
export const XSS_TEXT = "<script>alert(2)</script><img src=x onerror=alert(3)>";
export const XSS_PAIR = "XSS-USDT";

export interface Fixture {
  /** The working directory of every command (the data folder is ./capbot-data in it). */
  dir: string;
  dataDir: string;
}

/**
 * Made once per file (in beforeAll, outside any test); the file removes it in afterAll with `removeFixture`
 * (a worker may end without the exit event that tempDir relies on outside a test).
 */
export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "capbot-web-"));
  const ok = (args: string[]) => {
    const r = cli(args, { LOG_LEVEL: "silent" }, dir);
    expect(r.code, r.stderr).toBe(0);
  };
  ok(["demo", "--as-of", AS_OF]);
  ok(["run", "--as-of", AS_OF]);
  ok(["import", writeNdjson(dir, "candles.ndjson", xssCandles()), "--into", "ohlcv"]);
  ok(["import", writeNdjson(dir, "posts.ndjson", xssPosts()), "--into", "posts"]);
  return { dir, dataDir: join(dir, "capbot-data") };
}

export function removeFixture(f: Fixture | undefined): void {
  if (f) rmSync(f.dir, { recursive: true, force: true });
}

/**
 * Eight days of hourly candles (the window and the anomaly guard's seven before it) of a pair bigger than
 * any the demo data has not posted yet, so that it is the next post: one of its two venues is markup.
 */
function xssCandles(): Record<string, unknown>[] {
  const end = Date.parse(AS_OF);
  const out: Record<string, unknown>[] = [];
  for (let h = 1; h <= 8 * 24; h++) {
    const ts = new Date(end - h * 3_600_000).toISOString();
    out.push(ejsonCandle(ts, "binance", "xss", "usdt", "600", "40000"));
    out.push(ejsonCandle(ts, XSS_VENUE, "xss", "usdt", "400", "40000"));
  }
  return out;
}

function xssPosts(): Record<string, unknown>[] {
  return [
    {
      time: { $date: "2026-03-02T10:00:00Z" },
      pair: "SOL-USDT",
      tweet_text: XSS_TEXT,
      tweet_id: "1863000000000000777",
      publisher: "x",
      status: "posted",
      url: "javascript:alert(4)",
    },
    {
      time: { $date: "2026-03-02T11:00:00Z" },
      pair: "SOL-USDT",
      tweet_text: "Top Market Venues for SOL-USDT:",
      in_reply_to: "1863000000000000777",
      publisher: "x",
      status: "failed",
      error: `X refused <img src=x onerror=alert(5)> for Bearer ${TOKEN}`,
    },
  ];
}

/** Every file under `dir` with a digest of its bytes: equal before and after means nothing was written. */
export function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

/** The next post exactly as `capbot run --dry-run --json` prints it now, in the fixture. */
export function dryRunJson(
  f: Fixture,
  asOf = AS_OF,
  env: Record<string, string> = {},
): Record<string, unknown> {
  const r = cli(["run", "--dry-run", "--json", "--as-of", asOf], { LOG_LEVEL: "silent", ...env }, f.dir);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Uint8Array): [number, number] {
  const b = Buffer.from(png);
  expect(b.subarray(1, 4).toString()).toBe("PNG");
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}
