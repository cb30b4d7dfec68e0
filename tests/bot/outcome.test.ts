// SPEC §9: the result a run starts from. The runner reports it as it is, with the error, when the run
// cannot even open its store or its publishers (src/runner.ts), so it must already read as an error.

import { describe, expect, it } from "vitest";
import { emptyResult } from "../../src/bot/outcome.js";
import { loadConfig } from "../../src/config.js";

describe("the result a run starts from (SPEC §9)", () => {
  it("§9 is an error with nothing decided: no pair, no post, empty lists, and the run's window", () => {
    const config = loadConfig({}, { env: {}, cwd: "/nonexistent" });
    const asOf = new Date("2026-03-02T12:00:00Z");
    const from = new Date("2026-03-01T12:00:00Z");
    expect(emptyResult(config, "run-1", asOf, from, "telegram")).toStrictEqual({
      status: "error",
      pair: null,
      text: null,
      inReplyTo: null,
      postId: null,
      publisher: "telegram",
      rankBy: "usd",
      asOf: "2026-03-02T12:00:00.000Z",
      window: { from: "2026-03-01T12:00:00.000Z", to: "2026-03-02T12:00:00.000Z" },
      granularity: "1h",
      candidates: [],
      venues: [],
      posts: [],
      anomalies: [],
      skippedCandles: 0,
      unpricedPairs: 0,
      runId: "run-1",
      exitCode: 0,
      warnings: [],
    });
  });
});
