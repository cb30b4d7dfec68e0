// SPEC §8a and issue 10: a lock that cannot be read stops every run with one sentence (exit 5), and
// `doctor` fails naming it; a lock that can be read is shown with who holds it and until when.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.js";

const AS_OF = "2026-03-02T12:00:00Z";

function demoFolder(): { env: Record<string, string>; data: string } {
  const data = join(tempDir("capbot-lock-"), "data");
  const env = { CAPBOT_DATA_DIR: data };
  expect(cli(["demo", "--as-of", AS_OF], env).code).toBe(0);
  return { env, data };
}

describe("the run lock as an operator sees it", () => {
  it("capbot.lock that is a folder: doctor fails naming it, a run stops with one sentence (exit 5)", () => {
    const { env, data } = demoFolder();
    mkdirSync(join(data, "capbot.lock"));
    const doctor = cli(["doctor", "--as-of", AS_OF], env);
    expect(doctor.code).toBe(5);
    expect(doctor.stdout).toContain(
      `✘ lock: The lock file ${join(data, "capbot.lock")} cannot be read (EISDIR): remove it or fix its permissions.`,
    );
    const run = cli(["run", "--as-of", AS_OF], env);
    expect(run.code).toBe(5);
    expect(run.stderr.trim().split("\n").at(-1)).toBe(
      `capbot: The lock file ${join(data, "capbot.lock")} cannot be read (EISDIR): remove it or fix its permissions.`,
    );
  });

  it("doctor shows who holds the lock and until when", () => {
    const { env, data } = demoFolder();
    const until = new Date(Date.now() + 5 * 60_000).toISOString();
    writeFileSync(
      join(data, "capbot.lock"),
      JSON.stringify({ owner: "run-42", expiresAt: until, holder: "box pid 7" }),
    );
    const doctor = cli(["doctor"], env);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `✔ lock: held by run run-42 \\(box pid 7\\) until ${until.replace(/\./g, "\\.")} \\(4m \\d+s left\\): a run is in progress`,
      ),
    );
  });
});
