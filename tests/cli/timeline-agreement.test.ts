// Issue 10: after outbox.ndjson is deleted or truncated, new posts would reply to ids no longer in it
// without a word. `capbot doctor` warns when the local timeline and the store disagree — posts recorded
// as made on the local timeline whose ids are missing from the outbox — and still passes (exit 0).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ejsonCandle, tempDir, writeNdjson } from "./helpers.js";

const dir = tempDir("capbot-timeline-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("doctor and the local timeline", () => {
  it("passes when they agree, warns when outbox lines are gone, names how many and what to do", {
    timeout: 60_000,
  }, () => {
    const dataDir = join(dir, "data");
    const env = { CAPBOT_DATA_DIR: dataDir, CAPBOT_CHART: "off", CAPBOT_MAX_DATA_AGE: "off" };
    const ts = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
    const candles = [
      ejsonCandle(ts, "binance", "btc", "usdt", "10", "50000"),
      ejsonCandle(ts, "okx", "btc", "usdt", "4", "50000"),
      ejsonCandle(ts, "binance", "eth", "usdt", "100", "3000"),
      ejsonCandle(ts, "okx", "eth", "usdt", "30", "3000"),
      ejsonCandle(ts, "kraken", "sol", "usd", "1000", "100"),
      ejsonCandle(ts, "coinbase", "sol", "usd", "300", "100"),
    ];
    expect(cli(["import", writeNdjson(dir, "c.ndjson", candles), "--into", "ohlcv"], env).code).toBe(0);
    for (let i = 0; i < 3; i++) expect(cli(["run"], env).code).toBe(0);
    const outbox = join(dataDir, "outbox.ndjson");

    const agreed = cli(["doctor"], env);
    expect(agreed.code, agreed.stdout).toBe(0);
    expect(agreed.stdout).toContain(`✔ local timeline: the 3 post(s) recorded on it are all in ${outbox}`);
    expect(agreed.stdout).toContain("\nAll checks passed.\n");

    // Truncated to its first line: the two newer posts are gone from it.
    const lines = readFileSync(outbox, "utf8").split("\n");
    writeFileSync(outbox, `${lines[0]}\n`);
    const newest = (JSON.parse(lines[2] ?? "{}") as { id: string }).id;
    const truncated = cli(["doctor"], env);
    expect(truncated.code, truncated.stdout).toBe(0);
    expect(truncated.stdout).toContain(
      `! local timeline: 2 of the 3 post(s) recorded on it are missing from ${outbox} (deleted or truncated?), the newest ${newest}; new posts would reply to them\n    fix: restore ${outbox} from a backup`,
    );
    expect(truncated.stdout).toContain("\nAll checks passed, 1 with a warning.\n");

    rmSync(outbox);
    const json = cli(["doctor", "--json"], env);
    expect(json.code).toBe(0);
    const check = (
      JSON.parse(json.stdout) as { checks: { name: string; warning?: boolean; detail: string }[] }
    ).checks.find((c) => c.name === "local timeline");
    expect(check).toMatchObject({ warning: true, detail: expect.stringMatching(/^3 of the 3 post\(s\)/) });
  });
});
