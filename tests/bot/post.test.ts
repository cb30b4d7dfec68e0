// What goes out (runCycle, in-process): one text that fits every publisher's limit (SPEC §6), the chart
// when there is one (a chart never blocks a post), and a run on the system's clock to the local timeline.

import { describe, expect, it } from "vitest";
import { runCycle } from "../../src/bot.js";
import { createLocalPublisher, readOutbox } from "../../src/publish/local.js";
import type { Chart } from "../../src/publish/port.js";
import { bench, capturingLogger, fakePublisher } from "./harness.js";

const CHART: Chart = {
  png: new Uint8Array([137, 80, 78, 71]),
  alt: "BTC-USDT venue shares",
  width: 4,
  height: 4,
};

describe("the text (SPEC §6)", () => {
  it("§6 one text for every network: it fits the tightest publisher's limit, with fewer venues if need be", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const bluesky = fakePublisher("bluesky", { limit: { kind: "graphemes", max: 73 } });
    const result = await b.run([x, bluesky]);
    expect(result.text).toBe("Top Market Venues for BTC-USDT:\nBinance: 71.38%\nOKX: 28.55%\nOthers: 0.07%");
    expect(x.requests[0]?.text).toBe(result.text);
    expect(bluesky.requests[0]?.text).toBe(result.text);
  });

  it("§6 a limit no text fits stops the run with what to do, and sends nothing", async () => {
    const b = await bench();
    const telegram = fakePublisher("telegram", { limit: { kind: "utf16", max: 20 } });
    const result = await b.run([telegram]);
    expect(result).toMatchObject({
      status: "error",
      exitCode: 1,
      error:
        "The message for BTC-USDT does not fit in 20 UTF-16 code units (telegram) even with one venue; shorten its venue labels",
    });
    expect(telegram.requests).toEqual([]);
  });
});

describe("the chart (a chart never blocks a post)", () => {
  it("the chart drawn for the post goes to every publisher with it", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    const result = await b.run([x, telegram], {}, { deps: { chart: async () => CHART } });
    expect(result).toMatchObject({ status: "posted", warnings: [] });
    expect(x.requests[0]?.chart).toBe(CHART);
    expect(telegram.requests[0]?.chart).toBe(CHART);
  });

  it("with the chart off the post is text only, and nothing is said about it", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const result = await b.run([x], {}, { deps: { chart: null } });
    expect(result).toMatchObject({ status: "posted", warnings: [] });
    expect(x.requests[0]?.chart).toBeNull();
  });

  it("a chart that cannot be drawn leaves the post text only, with a warning", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const chart = async () => {
      throw new Error("no font for the labels");
    };
    const result = await b.run([x], {}, { deps: { chart } });
    expect(result).toMatchObject({
      status: "posted",
      warnings: ["the chart could not be drawn: no font for the labels"],
    });
    expect(x.requests[0]?.chart).toBeNull();
    expect(b.logs).toMatchObject([
      { level: "warn", msg: "the chart could not be drawn: no font for the labels" },
    ]);
  });
});

describe("the clock", () => {
  it("a run given no clock takes the system's, and posts to the local timeline", async () => {
    const b = await bench();
    const { logger } = capturingLogger();
    const result = await runCycle(b.config(), {
      store: b.store,
      publishers: [createLocalPublisher(b.dir)],
      logger,
      runId: "run-1",
    });
    expect(result).toMatchObject({ status: "posted", publisher: "local", pair: "BTC-USDT" });
    expect((await readOutbox(b.dir)).map((line) => line.text)).toEqual([result.text]);
  });
});
