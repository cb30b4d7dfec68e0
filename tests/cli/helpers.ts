// Runs the built CLI (dist/, compiled by the global setup) as a child process, as a user would.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { tempDir } from "../temp-dir.js";

export const CLI = join(import.meta.dirname, "..", "..", "dist", "cli", "main.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing of the developer's own settings leaks into a test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: process.env["HOME"], LOG_FORMAT: "json" };
  return { ...env, ...extra };
}

export function cli(args: string[], env: Record<string, string>, cwd?: string): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: cleanEnv(env),
    cwd: cwd ?? tmpdir(),
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function writeNdjson(dir: string, name: string, docs: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`);
  return path;
}

/** A candle in MongoDB Extended JSON, as `mongoexport` writes it. */
export function ejsonCandle(
  ts: string,
  venue: string,
  symbol: string,
  base: string,
  volume: unknown,
  close: unknown,
  granularity = "1h",
): Record<string, unknown> {
  return {
    timestamp: { $date: ts },
    market_id: `${String(venue).trim().toLowerCase()}-${String(symbol).toLowerCase()}-${String(base).toLowerCase()}`,
    marketVenue: venue,
    pair_symbol: symbol,
    pair_base: base,
    granularity,
    open: close,
    high: close,
    low: close,
    close,
    volume,
  };
}

/**
 * Makes the lease of a run that was killed run out now, as the passing of its lease would: the lock file
 * keeps its owner, with an expiry in the past. The fault tests then need not wait out a real lease.
 */
export function expireLock(dataDir: string): void {
  const path = join(dataDir, "capbot.lock");
  if (!existsSync(path)) return;
  const lease = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...lease, expiresAt: new Date(Date.now() - 1_000).toISOString() }));
}
