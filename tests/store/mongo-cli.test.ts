// SPEC §9 end to end: `capbot run` and `capbot doctor` against an unreachable MongoDB (a closed port, a
// listener that never answers) exit 5 within the timeout with a clear sentence, and no secret anywhere.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUnreachable, type Unreachable } from "./unreachable.js";

const CLI = resolve("dist/cli/main.js");
const PASSWORD = "fake-cli-p@ss/wörd";
/** Generous: the point is "bounded by CAPBOT_MONGODB_TIMEOUT", not a speed measurement. */
const BOUND_MS = 1500 + 6000;

let net: Unreachable;
let silentPort = 0;
let closedPort = 0;
let cwd = "";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "capbot-mongo-cli-"));
  net = await startUnreachable();
  ({ silentPort, closedPort } = net);
});

afterAll(() => {
  net.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function capbot(
  args: string[],
  port: number,
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: cwd,
      CAPBOT_DATA_DIR: join(cwd, "data"),
      MONGODB_URI: `mongodb://fake-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/?directConnection=true`,
      CAPBOT_MONGODB_TIMEOUT: "1500ms",
    },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += String(d);
  });
  child.stderr.on("data", (d) => {
    err += String(d);
  });
  const [code] = (await once(child, "close")) as [number | null];
  return { code, out, err, ms: Date.now() - started };
}

describe.each([
  ["a closed port", () => closedPort, "refused the connection"],
  ["a listener that never answers", () => silentPort, "did not answer within 1.5 s"],
])("§9 MongoDB unreachable on %s", (_name, port, sentence) => {
  it("`capbot run --json` exits 5 within the timeout with the sentence in the JSON, no secret in any output", async () => {
    const r = await capbot(["run", "--json"], port());
    expect(r.code).toBe(5);
    const result = JSON.parse(r.out) as { status: string; error: string };
    expect(result.status).toBe("error");
    expect(result.error).toContain(`MongoDB at 127.0.0.1:${port()} ${sentence}`);
    expect(r.out + r.err).not.toContain("fake-cli-p");
    expect(r.out + r.err).not.toContain(encodeURIComponent(PASSWORD));
    expect(r.ms).toBeLessThan(BOUND_MS);
  });

  it("`capbot doctor --json` exits 5 with a failing store line naming the host, no secret in any output", async () => {
    const r = await capbot(["doctor", "--json"], port());
    expect(r.code).toBe(5);
    const report = JSON.parse(r.out) as {
      ok: boolean;
      checks: { ok: boolean; detail: string; exitCode?: number }[];
    };
    expect(report.ok).toBe(false);
    const failed = report.checks.find((c) => !c.ok);
    expect(failed?.exitCode).toBe(5);
    expect(failed?.detail).toContain(`127.0.0.1:${port()}`);
    expect(r.out + r.err).not.toContain("fake-cli-p");
    expect(r.ms).toBeLessThan(BOUND_MS);
  });
});
