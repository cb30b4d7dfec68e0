// `capbot run` under GitHub Actions: with GITHUB_STEP_SUMMARY set, the built CLI appends the summary.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "dist/cli/main.js");
const run = promisify(execFile);
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "capbot-step-summary-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("run with GITHUB_STEP_SUMMARY", () => {
  it("appends the summary of the post to the file GitHub names", async () => {
    const summary = join(dir, "step-summary.md");
    await writeFile(summary, "earlier step\n");
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env))
      if (!/^(CAPBOT_|TW_|MONGO|X_API|LOG_)/.test(k)) env[k] = v;
    Object.assign(env, {
      CAPBOT_DATA_DIR: join(dir, "data"),
      CAPBOT_PUBLISHER: "local",
      CAPBOT_MAX_DATA_AGE: "off",
      LOG_FORMAT: "json",
      GITHUB_STEP_SUMMARY: summary,
    });
    const { stdout } = await run(process.execPath, [CLI, "run", "--json"], { env, cwd: dir });
    const result = JSON.parse(stdout) as { status: string; pair: string; postId: string };
    expect(result.status).toBe("posted");

    const md = await readFile(summary, "utf8");
    expect(md.startsWith("earlier step\n")).toBe(true);
    expect(md).toContain(`## capbot posted ${result.pair}\n`);
    expect(md).toContain(`Written to the local outbox as \`${result.postId}\``);
    expect(md).toContain(`Top Market Venues for ${result.pair}:`);
    expect(md).toContain("| # | Pair | Volume (USD) | Last post |");
  });
});
