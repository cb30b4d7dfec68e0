// Issue 10, "all or nothing": the demo fill (`capbot demo`, and the first `run` on an empty embedded
// store) is one transaction. Killed with SIGKILL at several points of the fill — after its first batch of
// candles, half way, and with everything written but not committed — the store is left as it was: the
// next run finds it empty, fills it, and has the whole set (~46,000 candles and the 4 legacy posts).
// `capbot demo` killed while it clears and refills a full store leaves the full store.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../src/demo.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import { CLI, cleanEnv, cli, expireLock, tempDir } from "./helpers.js";

const dir = tempDir("capbot-demo-fill-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEMO = generateDemo(new Date());
/** The fill reaches its failpoint after each batch of 5,000 candles, and once more after the posts. */
const POINTS = Math.ceil(DEMO.candles.length / 5_000) + 1;

async function contents(dataDir: string): Promise<{ candles: number; legacyPosts: number; posts: number }> {
  const store = await openEmbeddedStore(dataDir, { readonly: true });
  try {
    const posts = await store.history({ limit: 1_000 });
    return {
      candles: await store.countCandles(),
      legacyPosts: posts.filter((p) => p.status === null).length,
      posts: posts.length,
    };
  } finally {
    await store.close();
  }
}

function killedAt(args: string[], env: Record<string, string>, nth: number): void {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: cleanEnv({ ...env, CAPBOT_FAILPOINT: `kill:demo-fill@${nth}` }),
    encoding: "utf8",
  });
  expect(r.signal, `${args.join(" ")} was not killed at demo-fill@${nth}: ${r.stderr}`).toBe("SIGKILL");
}

describe("the demo fill is all or nothing", () => {
  it.each([1, Math.ceil(POINTS / 2), POINTS])(
    "a first run killed at point %i of the fill leaves an empty store, which the next run fills whole",
    { timeout: 60_000 },
    async (nth) => {
      const dataDir = join(dir, `run-${nth}`);
      const env = { CAPBOT_DATA_DIR: dataDir, CAPBOT_CHART: "off" };
      killedAt(["run"], env, nth);
      expect(await contents(dataDir)).toEqual({ candles: 0, legacyPosts: 0, posts: 0 });

      expireLock(dataDir);
      const next = cli(["run", "--json"], env);
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(next.stdout).status).toBe("posted");
      expect(next.stderr).toContain("The embedded store was empty: filled it with the demo data set");
      expect(await contents(dataDir)).toEqual({
        candles: DEMO.candles.length,
        legacyPosts: DEMO.posts.length,
        posts: DEMO.posts.length + 1,
      });
    },
  );

  it("capbot demo killed while it clears and refills a full store leaves the store as it was", {
    timeout: 60_000,
  }, async () => {
    const dataDir = join(dir, "demo");
    const env = { CAPBOT_DATA_DIR: dataDir, CAPBOT_CHART: "off" };
    const first = cli(["run"], env);
    expect(first.code, first.stderr).toBe(0);
    const full = await contents(dataDir);
    expect(full).toMatchObject({ candles: DEMO.candles.length, legacyPosts: 4, posts: 5 });

    for (const nth of [1, POINTS]) {
      killedAt(["demo"], env, nth);
      expect(await contents(dataDir)).toEqual(full);
    }
    const demo = cli(["demo"], env);
    expect(demo.code, demo.stderr).toBe(0);
    expect(await contents(dataDir)).toEqual({ candles: DEMO.candles.length, legacyPosts: 4, posts: 4 });
  });
});
