// Heavy modules load only on the path that needs them (ARCHITECTURE): the built CLI runs with a hook
// that records every module Node loads, and each path is checked for what it must not load — and
// twitter-text for loading, from the bundle, as soon as a label is not plain.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, cli } from "./helpers.js";

let dir = "";
let hook = "";

/** An --import hook: each ESM module's URL as it loads, and at exit every CommonJS file required. */
const HOOK = `
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
const out = process.env.LOADED_MODULES_FILE;
register("data:text/javascript," + encodeURIComponent(
  \`import { appendFileSync } from "node:fs";
  export async function load(url, context, next) {
    appendFileSync(\${JSON.stringify(out)}, url + "\\\\n");
    return next(url, context);
  }\`));
process.on("exit", () => {
  const files = Object.keys(createRequire(import.meta.url).cache);
  appendFileSync(out, files.map((f) => "file://" + f + "\\n").join(""));
});
`;

const DIST = `${pathToFileURL(join(CLI, "..", "..")).href}/`;
const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** The packages bundled into a chunk of dist/, as its source map lists them. */
function bundledIn(chunkUrl: string): string[] {
  const map = JSON.parse(readFileSync(`${fileURLToPath(chunkUrl)}.map`, "utf8")) as { sources: string[] };
  return map.sources.flatMap((source) => PACKAGE.exec(source)?.[1] ?? []);
}

/** Runs the CLI with the hook: its exit, stdout, the chunks of dist/ it loaded, and every package. */
function loaded(args: string[], env: Record<string, string>) {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(list, "");
  const r = spawnSync(process.execPath, ["--import", hook, CLI, ...args], {
    env: cleanEnv({ ...env, LOADED_MODULES_FILE: list }),
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  const urls = readFileSync(list, "utf8").split("\n").filter(Boolean);
  const chunks = urls.filter((u) => u.startsWith(DIST));
  const packages = new Set([
    ...urls.flatMap((u) => PACKAGE.exec(u)?.[1] ?? []),
    ...chunks.flatMap(bundledIn),
  ]);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages, chunks };
}

const data = () => ({ CAPBOT_DATA_DIR: join(dir, "data"), CAPBOT_PUBLISHER: "local" });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capbot-loading-"));
  hook = join(dir, "hook.mjs");
  writeFileSync(hook, HOOK);
  expect(cli(["demo"], data(), dir).code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NETWORK_AND_CHART = ["mongodb", "twitter-api-v2", "@atproto/api", "masto", "grammy", "@resvg/resvg-js"];

describe("what each path loads", () => {
  it("capbot --help loads the command line alone: commander, and no command's action", () => {
    const r = loaded(["--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: capbot");
    expect([...r.packages]).toEqual(["commander"]);
    expect(
      r.chunks.filter((u) => /\/(run|preview|import|demo|doctor|history|schedule)-[^/]+\.js$/.test(u)),
    ).toEqual([]);
  });

  it("an embedded dry run with plain labels loads the store, and neither twitter-text nor a network client nor the chart", () => {
    const r = loaded(["run", "--dry-run", "--json"], data());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe("dry-run");
    // The hook sees CommonJS packages too: the embedded store's engine is one.
    expect(r.packages).toContain("better-sqlite3");
    for (const name of ["twitter-text", ...NETWORK_AND_CHART]) expect(r.packages, name).not.toContain(name);
  });

  it("a label that is not plain loads twitter-text on demand from the bundle, and is made safe", () => {
    const r = loaded(["run", "--dry-run", "--json", "--pair", "BTC-USDT"], {
      ...data(),
      CAPBOT_VENUE_LABELS: "binance=binance.com",
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.packages).toContain("twitter-text");
    expect(JSON.parse(r.stdout).text).toContain("binance\u2024com: ");
  });
});
