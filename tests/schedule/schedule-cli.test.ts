// The end-to-end check: the built CLI's `capbot schedule --cron "*/1 * * * * *"` against a
// temporary embedded store posts once per tick without overlap, answers /metrics and /healthz, and
// stops cleanly on SIGTERM; `capbot history --pair` then shows the pair's thread.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "dist/cli/main.js");
const run = promisify(execFile);

let dir = "";
let env: NodeJS.ProcessEnv = {};

/** The machine's environment without anything that would point capbot at a real store or account. */
function cleanEnv(dataDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(CAPBOT_|TW_|MONGO|X_API|LOG_|GITHUB_STEP_SUMMARY$)/.test(k)) out[k] = v;
  }
  return {
    ...out,
    CAPBOT_DATA_DIR: dataDir,
    CAPBOT_PUBLISHER: "local",
    CAPBOT_MAX_DATA_AGE: "off",
    LOG_FORMAT: "json",
  };
}

function events(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "capbot-schedule-"));
  env = cleanEnv(join(dir, "data"));
  // Filled beforehand so that every tick is an ordinary run, not the first run's demo fill.
  await run(process.execPath, [CLI, "demo"], { env, cwd: dir });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("capbot schedule, every second, on the embedded store", () => {
  it("posts once per tick without overlap, serves metrics, and exits 0 on SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [CLI, "schedule", "--cron", "*/1 * * * * *", "--metrics-port", "0", "--metrics-host", "127.0.0.1"],
      { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const done = exited(child);
    let stderr = "";
    let stdout = "";
    child.stderr?.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout?.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    const runs = () => events(stderr).filter((e) => e["event"] === "run");

    await until(() => runs().length >= 3, "three runs");
    const port = events(stderr).find((e) => e["msg"] === "serving /metrics and /healthz")?.["port"];
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);

    child.kill("SIGTERM");
    const { code, signal } = await done;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stdout).toBe("");

    const all = runs();
    expect(all.map((e) => e["status"])).toEqual(all.map(() => "posted"));
    // Each run's [start, end) from its summary event: none begins before the previous one ended, and no
    // two start within the same tick.
    const spans = all.map((e) => {
      const end = Date.parse(String(e["time"]));
      return { start: end - Number(e["durationMs"]), end };
    });
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end - 1);
    // A tick fires at or after its second; the summary's ms rounding may put a start up to 2 ms early.
    const ticks = spans.map((s) => Math.floor((s.start + 2) / 1000));
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(events(stderr).at(-1)?.["msg"]).toBe("schedule stopped");

    const outbox = (await readFile(join(dir, "data", "outbox.ndjson"), "utf8")).split("\n").filter(Boolean);
    expect(outbox).toHaveLength(all.length);

    expect(health.status).toBe(200);
    expect(Number(/^capbot_runs_total\{status="posted"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(
      3,
    );
    expect(metrics).toMatch(/^capbot_seconds_since_last_post\{publisher="local"\} \d/m);

    // Each pair's thread: each post replies to the one before it on the local timeline, newest first.
    const { stdout: json } = await run(process.execPath, [CLI, "history", "--limit", "1000", "--json"], {
      env,
      cwd: dir,
    });
    const posted = (
      JSON.parse(json) as {
        pair: string;
        postId: string;
        inReplyTo: string | null;
        publisher: string;
        status: string;
      }[]
    ).filter((p) => p.publisher === "local");
    expect(posted).toHaveLength(all.length);
    expect(posted.map((p) => p.status)).toEqual(posted.map(() => "posted"));
    for (const pair of new Set(posted.map((p) => p.pair))) {
      const thread = posted.filter((p) => p.pair === pair);
      for (let i = 0; i < thread.length - 1; i++) expect(thread[i]!.inReplyTo).toBe(thread[i + 1]!.postId);
      expect(thread.at(-1)!.inReplyTo).toBeNull();
    }
    expect(posted.map((p) => p.postId).sort()).toEqual(
      outbox.map((l) => (JSON.parse(l) as { id: string }).id).sort(),
    );
  });
});
