// Issue 10, "all or nothing" on a full disk and after a kill, with the built CLI:
// - the outbox on /dev/full (every write: "no space left on device"): the run fails with the cause in its
//   error and its log, the intent is recorded failed with it, nothing torn is left, and once the outbox is
//   a file again the next run is clean;
// - a real full disk (a small tmpfs, when this user may mount one): the run stops without a torn record
//   or a half-written chart, and once there is room again the next run is clean;
// - a run killed between its chart and its outbox line leaves a chart no line names, which the next run
//   removes.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, cli, ejsonCandle, expireLock, tempDir, writeNdjson } from "./helpers.js";

const dir = tempDir("capbot-disk-full-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface HistoryEntry {
  status: string;
  postId: string | null;
  publisher: string | null;
  error?: string;
}

/** A store with a few candles of the last hours, so that runs post without the demo fill. */
function prepare(dataDir: string, env: Record<string, string>): void {
  const hour = 3_600_000;
  const ts = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
  const candles = [
    ejsonCandle(ts, "binance", "btc", "usdt", "10", "50000"),
    ejsonCandle(ts, "coinbase", "btc", "usdt", "4", "50000"),
    ejsonCandle(ts, "binance", "eth", "usdt", "100", "3000"),
    ejsonCandle(ts, "okx", "eth", "usdt", "30", "3000"),
    ejsonCandle(ts, "kraken", "sol", "usd", "1000", "100"),
    ejsonCandle(ts, "coinbase", "sol", "usd", "300", "100"),
  ];
  mkdirSync(dataDir, { recursive: true });
  const r = cli(
    ["import", writeNdjson(dir, `candles-${Math.random()}.ndjson`, candles), "--into", "ohlcv"],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
}

function history(env: Record<string, string>): HistoryEntry[] {
  const h = cli(["history", "--json", "--limit", "100"], env);
  expect(h.code, h.stderr).toBe(0);
  return JSON.parse(h.stdout) as HistoryEntry[];
}

/** Every line of the outbox whole, every chart in the folder named by one, and no temporary file. */
function clean(dataDir: string): { lines: { id: string; media?: string }[] } {
  const text = existsSync(join(dataDir, "outbox.ndjson"))
    ? readFileSync(join(dataDir, "outbox.ndjson"), "utf8")
    : "";
  expect(text === "" || text.endsWith("\n"), "the outbox ends with a whole line").toBe(true);
  const lines = text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { id: string; media?: string });
  const files = readdirSync(dataDir);
  expect(
    files.filter((f) => f.endsWith(".tmp") || f.includes(".tmp-")),
    "temporary files",
  ).toEqual([]);
  const named = new Set(lines.flatMap((l) => (l.media ? [l.media] : [])));
  expect(
    files.filter((f) => f.endsWith(".png") && !named.has(f)),
    "charts no line names",
  ).toEqual([]);
  return { lines };
}

/** The posts on the timeline and the records agree one to one, and nothing is left pending. */
function agree(dataDir: string, env: Record<string, string>): void {
  const { lines } = clean(dataDir);
  const records = history(env).filter((p) => p.publisher === "local");
  expect(records.filter((p) => p.status === "pending")).toEqual([]);
  expect(
    records
      .filter((p) => p.status === "posted")
      .map((p) => p.postId)
      .sort(),
  ).toEqual(lines.map((l) => l.id).sort());
}

function logged(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("the outbox on /dev/full", () => {
  it("fails the run with the cause in its error, its log and the record; the next run is clean", {
    timeout: 60_000,
  }, async () => {
    const dataDir = join(dir, "dev-full");
    const env = { CAPBOT_DATA_DIR: dataDir, CAPBOT_CHART: "off" };
    prepare(dataDir, env);
    const first = cli(["run", "--json"], env);
    expect(first.code, first.stderr).toBe(0);
    const outbox = join(dataDir, "outbox.ndjson");
    const before = readFileSync(outbox, "utf8");
    rmSync(outbox);
    symlinkSync("/dev/full", outbox);

    const full = cli(["run", "--json"], env);
    expect(full.code, full.stderr).toBe(4);
    const cause = `Could not write the local timeline ${outbox}: no space left on device (ENOSPC).`;
    expect(JSON.parse(full.stdout).error).toBe(cause);
    expect(logged(full.stderr).find((e) => e["event"] === "run")?.["error"]).toBe(cause);
    const failed = history(env).filter((p) => p.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toBe(cause);

    rmSync(outbox);
    const restored = join(dataDir, "outbox.ndjson");
    spawnSync("sh", ["-c", `printf '%s' "$1" > "$2"`, "sh", before, restored]);
    const next = cli(["run", "--json"], env);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).status).toBe("posted");
    agree(dataDir, env);
  });
});

/** A small tmpfs mounted in a temporary folder, or null when this user may not mount one. */
function mountTmpfs(): string | null {
  const mountPoint = join(dir, "tmpfs");
  mkdirSync(mountPoint);
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint], { encoding: "utf8" });
  return r.status === 0 ? mountPoint : null;
}
const tmpfs = process.getuid?.() === 0 ? mountTmpfs() : null;
afterAll(() => {
  if (tmpfs !== null) spawnSync("umount", [tmpfs]);
});
if (tmpfs === null)
  console.log(
    "[disk-full] skipped the real full disk: this user may not mount a tmpfs (run as root to include it)",
  );

/** Writes into `path` until the file system has no page left. */
function fill(path: string): void {
  const fd = openSync(path, "w");
  const block = Buffer.alloc(4096, 0x78);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
}

async function stopped(child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const state = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.[0];
    if (state === "T") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run never reached its failpoint");
}

describe("a real full disk", () => {
  it.skipIf(tmpfs === null)(
    "a disk full before the run: exit 5, the lock's failure said in words with its code, not the engine's text",
    { timeout: 60_000 },
    () => {
      const dataDir = join(tmpfs as string, "full-first");
      const env = { CAPBOT_DATA_DIR: dataDir };
      prepare(dataDir, env);
      const filler = join(tmpfs as string, "filler-first");
      fill(filler);
      try {
        const r = cli(["run", "--json"], env);
        expect(r.code, r.stderr).toBe(5);
        const error = JSON.parse(r.stdout).error as string;
        expect(error).toMatch(/could not take the lock: no space left on device \(ENOSPC\)$/);
        expect(error).not.toContain("ENOSPC:");
      } finally {
        rmSync(filler);
      }
    },
  );

  it.skipIf(tmpfs === null)(
    "a run that finds the disk full after its intent leaves no torn record nor half a chart; the next run is clean",
    { timeout: 90_000 },
    async () => {
      const dataDir = join(tmpfs as string, "data");
      const env = { CAPBOT_DATA_DIR: dataDir };
      prepare(dataDir, env);
      const filler = join(tmpfs as string, "filler");

      // Paused once its intent is recorded; the disk fills; then it goes on to publish.
      const child = spawn(process.execPath, [CLI, "run", "--json"], {
        env: cleanEnv({ ...env, CAPBOT_FAILPOINT: "pause:after-intent" }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr?.on("data", (b: Buffer) => {
        stderr += b.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
      await stopped(child);
      fill(filler);
      child.kill("SIGCONT");
      const code = await exited;

      // The post could not be written, nor (the disk being full for SQLite too) its failure recorded.
      expect([4, 5], stderr).toContain(code);
      expect(JSON.parse(stdout).error).toMatch(/no space left on device|database or disk is full/);
      clean(dataDir);

      rmSync(filler);
      const next = cli(["run", "--json"], env);
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(next.stdout).status).toBe("posted");
      agree(dataDir, env);
      expect(history(env).filter((p) => p.status === "failed")).toHaveLength(1);
    },
  );
});

describe("a run killed between its chart and its outbox line", () => {
  it("leaves a chart no line names, which the next run removes", { timeout: 60_000 }, async () => {
    const dataDir = join(dir, "killed");
    const env = { CAPBOT_DATA_DIR: dataDir };
    prepare(dataDir, env);
    const killed = spawnSync(process.execPath, [CLI, "run"], {
      env: cleanEnv({ ...env, CAPBOT_FAILPOINT: "kill:local-chart-written" }),
      encoding: "utf8",
    });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    const orphans = readdirSync(dataDir).filter((f) => f.endsWith(".png"));
    expect(orphans).toHaveLength(1);
    expect(existsSync(join(dataDir, "outbox.ndjson"))).toBe(false);

    expireLock(dataDir);
    const next = cli(["run", "--json"], env);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).status).toBe("posted");
    expect(readdirSync(dataDir)).not.toContain(orphans[0]);
    agree(dataDir, env);
    expect(history(env).filter((p) => p.status === "failed")).toHaveLength(1);
  });
});
