// `capbot serve` and `capbot schedule --serve-port` as a user starts them: the address rules (exit 2 naming
// CAPBOT_SERVE_TOKEN), errors under the names typed, a clean stop, and the schedule's page with its own
// /healthz.

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, cli, tempDir } from "../cli/helpers.js";
import { startServe } from "./browser.js";
import { AS_OF, type Fixture, fixture, removeFixture } from "./fixture.js";

let f: Fixture;

beforeAll(() => {
  f = fixture();
}, 60_000);

afterAll(() => removeFixture(f));

describe("capbot serve refuses to start", () => {
  it("on an address other than loopback without CAPBOT_SERVE_TOKEN: exit 2, naming the settings", () => {
    const flag = cli(["serve", "--host", "0.0.0.0"], {}, f.dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^capbot: --host is not a loopback address .*set CAPBOT_SERVE_TOKEN/m);
    const env = cli(["serve"], { CAPBOT_SERVE_HOST: "127.0.0.2" }, f.dir);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^capbot: CAPBOT_SERVE_HOST is not a loopback address/m);
  });

  it("with a bad --port, named --port; on a port in use, named, never EADDRINUSE", async () => {
    const bad = cli(["serve", "--port", "http"], {}, f.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^capbot: --port must be/m);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const busy = cli(["serve", "--port", port], {}, f.dir);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/^capbot: --port: the port is already in use/m);
      expect(busy.stderr).not.toMatch(/EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});

describe("capbot serve", () => {
  it("is listed in the help with its flags", () => {
    expect(cli(["--help"], {}).stdout).toMatch(
      /^\s+serve \[options\]\s+serve the operator's read-only page/m,
    );
    const help = cli(["serve", "--help"], {}).stdout;
    for (const flag of ["--port <port>", "--host <host>", "--as-of <iso>"]) expect(help).toContain(flag);
  });

  it("prints its address, serves, and exits 0 on SIGTERM", async () => {
    const served = await startServe(["--as-of", AS_OF], {}, f.dir);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${served.url}healthz`)).status).toBe(200);
    expect(await served.stop()).toBe(0);
  });
});

describe("capbot schedule --serve-port", () => {
  it("serves the same page from the schedule's process, with the schedule's own /healthz", {
    timeout: 60_000,
  }, async () => {
    // Demo data that ends now: a schedule has no --as-of, each tick is now.
    const dir = tempDir();
    expect(cli(["demo"], {}, dir).code).toBe(0);
    const child = spawn(process.execPath, [CLI, "schedule", "--cron", "0 0 1 1 *", "--serve-port", "0"], {
      env: cleanEnv(),
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let stderr = "";
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr?.on("data", (b: Buffer) => {
        stderr += b.toString();
        const line = stderr.split("\n").find((l) => l.includes("serving the operator's page"));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      exited.then((code) => reject(new Error(`schedule exited ${code}: ${stderr}`)));
    });
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      // No run yet in this process: the schedule's metrics know of none, whatever the store recorded.
      expect(await health.json()).toMatchObject({ status: "ok", consecutiveFailures: 0, lastRun: null });
      const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as {
        next: Record<string, unknown>;
      };
      expect(status.next["status"]).toBe("dry-run");
      expect(status.next["text"]).toMatch(/^Top Market Venues for /);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("on an address other than loopback needs the token too: exit 2 naming --serve-host", () => {
    const r = cli(["schedule", "--serve-port", "0", "--serve-host", "127.0.0.2"], {}, f.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^capbot: --serve-host is not a loopback address .*CAPBOT_SERVE_TOKEN/m);
  });
});
