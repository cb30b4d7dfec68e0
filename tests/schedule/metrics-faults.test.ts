// Issue 10, "the metrics server": `capbot schedule --metrics-port` with 1,100 idle connections held open
// to it, under the common limit of 1,024 open files, keeps serving /healthz, keeps posting on every tick,
// and runs started meanwhile in the same data folder succeed (the issue saw 11 of 14 runs fail with
// "unable to open database file"). It listens on 127.0.0.1 unless told otherwise; a port in use, a host
// that does not resolve and a cron that never fires are configuration errors (exit 2) naming the
// setting, never its value nor the engine's text.

import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONNECTIONS } from "../../src/http/listen.js";
import { CLI, cleanEnv, cli, tempDir } from "../cli/helpers.js";

const dir = tempDir("capbot-metrics-faults-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  CAPBOT_DATA_DIR: join(dir, "data"),
  CAPBOT_PUBLISHER: "local",
  CAPBOT_MAX_DATA_AGE: "off",
  CAPBOT_CHART: "off",
};

beforeAll(() => {
  const r = cli(["demo"], env);
  expect(r.code, r.stderr).toBe(0);
});

function events(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `capbot schedule …` under `ulimit -n 1024`, the default limit of many systems. */
function schedule(args: string[]): {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    "sh",
    ["-c", 'ulimit -n 1024 && exec "$@"', "sh", process.execPath, CLI, "schedule", ...args],
    {
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** Opens `count` connections that never send anything; resolves once each has connected or been closed. */
async function idleConnections(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(port, "127.0.0.1");
          sockets.push(socket);
          socket.on("error", () => resolve());
          socket.once("connect", () => resolve());
          socket.once("close", () => resolve());
        }),
    ),
  );
  return sockets;
}

describe("the metrics server under 1,100 idle connections", () => {
  it("keeps serving /healthz and never starves the runs of file descriptors", {
    timeout: 120_000,
  }, async () => {
    const s = schedule(["--cron", "*/1 * * * * *", "--metrics-port", "0"]);
    const runs = () => events(s.stderr()).filter((e) => e["event"] === "run");
    try {
      await until(() => runs().length >= 1, "the first run");
      const serving = events(s.stderr()).find((e) => e["msg"] === "serving /metrics and /healthz");
      expect(serving?.["host"]).toBe("127.0.0.1");
      const port = Number(serving?.["port"]);

      const sockets = await idleConnections(port, 1_100);
      const before = runs().length;
      try {
        // The server holds at most its cap of sockets, whatever is thrown at it.
        const descriptors = readdirSync(`/proc/${s.child.pid}/fd`).length;
        expect(descriptors).toBeLessThan(MAX_CONNECTIONS + 100);

        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ status: "ok", consecutiveFailures: 0 });

        // Runs of another process in the same data folder meanwhile: posted, or skipped for the lock.
        for (let i = 0; i < 3; i++) {
          const r = cli(["run", "--json"], env);
          expect(r.code, r.stderr).toBe(0);
          expect(["posted", "skipped"]).toContain(JSON.parse(r.stdout).status);
        }
        await until(() => runs().length >= before + 3, "three more ticks");
      } finally {
        for (const socket of sockets) socket.destroy();
      }
      const after = runs().slice(before);
      expect(
        after.filter((e) => e["status"] === "error"),
        "the ticks that failed",
      ).toEqual([]);
      expect(after.some((e) => e["status"] === "posted")).toBe(true);
    } finally {
      s.child.kill("SIGTERM");
      expect(await s.exited).toBe(0);
    }
  });

  it("is not reachable from another address of the machine by default", { timeout: 60_000 }, async () => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a?.family === "IPv4" && !a.internal)?.address;
    const s = schedule(["--metrics-port", "0"]);
    try {
      await until(
        () => events(s.stderr()).some((e) => e["msg"] === "serving /metrics and /healthz"),
        "the metrics server",
      );
      const port = Number(
        events(s.stderr()).find((e) => e["msg"] === "serving /metrics and /healthz")?.["port"],
      );
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      if (other === undefined) return;
      await expect(fetch(`http://${other}:${port}/healthz`)).rejects.toThrow();
    } finally {
      s.child.kill("SIGTERM");
      await s.exited;
    }
  });
});

describe("listen errors and schedule settings are configuration errors naming the setting", () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it("a port in use names --metrics-port or CAPBOT_METRICS_PORT, not EADDRINUSE nor the port", () => {
    const byFlag = cli(["schedule", "--metrics-port", String(busyPort)], env);
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr.trim()).toBe(
      "capbot: --metrics-port: the port is already in use on this machine; choose another one.",
    );
    const byEnv = cli(["schedule"], { ...env, CAPBOT_METRICS_PORT: String(busyPort) });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).toContain("CAPBOT_METRICS_PORT: the port is already in use");
    for (const r of [byFlag, byEnv]) {
      expect(r.stderr).not.toContain("EADDRINUSE");
      expect(r.stderr).not.toContain(String(busyPort));
    }
  });

  it("a host that does not resolve, or is not this machine's, names the host setting, never the value", () => {
    const unresolved = cli(["schedule", "--metrics-port", "0", "--metrics-host", "bad.invalid"], env);
    expect(unresolved.code).toBe(2);
    expect(unresolved.stderr.trim()).toBe(
      "capbot: --metrics-host: the host name does not resolve on this machine; give one of its addresses, like 127.0.0.1.",
    );
    const foreign = cli(["schedule"], {
      ...env,
      CAPBOT_METRICS_PORT: "0",
      CAPBOT_METRICS_HOST: "192.0.2.123",
    });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("CAPBOT_METRICS_HOST: the address is not one of this machine's");
    for (const r of [unresolved, foreign]) {
      expect(r.stderr).not.toMatch(/getaddrinfo|ENOTFOUND|EADDRNOTAVAIL|bad\.invalid|192\.0\.2\.123/);
    }
  });

  it("--cron never prints its value", () => {
    const r = cli(["schedule", "--cron", "SEKRITbanana"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--cron must be a cron expression");
    expect(r.stderr).not.toContain("SEKRIT");
  });

  it("a cron that never fires exits 2 with a sentence naming the setting", () => {
    const byFlag = cli(["schedule", "--cron", "0 0 30 2 *"], env);
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr.trim()).toBe(
      "capbot: --cron never fires: no date matches it (like the 30th of February); choose days that exist.",
    );
    const byEnv = cli(["schedule"], { ...env, CAPBOT_CRON: "0 0 30 2 *" });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).toContain("CAPBOT_CRON never fires");
  });
});
