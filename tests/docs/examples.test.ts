// The command examples in the docs are what the current build prints: scripts/docs-examples.mjs replays
// its session on the demo data at a fixed instant and compares (npm run docs:examples rewrites them).

import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "../cli/helpers.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

describe("the docs' command examples", () => {
  it("are the output of the current build", () => {
    const check = spawnSync(process.execPath, [join(ROOT, "scripts", "docs-examples.mjs"), "--check"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  }, 120_000);
});

describe("capbot demo --as-of", () => {
  it("fills demo data that ends at the instant given, the same every time", () => {
    const dir = tempDir();
    const asOf = "2026-03-02T12:00:00Z";
    const fill = () => cli(["demo", "--as-of", asOf], {}, dir);
    const dryRun = () => cli(["run", "--dry-run", "--json", "--as-of", asOf], {}, dir);
    expect(fill().stdout).toContain("candles up to 2026-03-02T12:00:00.000Z");
    const first = dryRun();
    expect(fill().code).toBe(0);
    const second = dryRun();
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const doctor = cli(["doctor", "--as-of", asOf], {}, dir);
    expect(doctor.stdout).toContain("the newest valid 1h candle (2026-03-02T11:00:00.000Z) is 1h old");
  });

  it("refuses an instant without a zone, naming the flag (exit 2)", () => {
    const r = cli(["demo", "--as-of", "2026-03-02T12:00:00"], {}, tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--as-of");
  });
});
