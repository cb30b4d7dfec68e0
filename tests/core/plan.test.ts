import { describe, expect, it } from "vitest";
import { NothingPostableError, type PlanOptions, plan } from "../../src/core/plan.js";
import type { Snapshot } from "../../src/core/types.js";
import { NothingToPostError } from "../../src/errors.js";
import { market } from "./fixtures.js";

/** Version 1's choice: the guard off, one venue enough. */
const OPTIONS: PlanOptions = {
  rankBy: "usd",
  top: 100,
  venues: 5,
  labels: {},
  pair: null,
  anomalies: { enabled: false, maxPriceDeviation: 0.1, spikeFactor: 20 },
  minVenues: 1,
};

function snapshot(markets: Snapshot["markets"]): Snapshot {
  return { markets, skippedCandles: 0, newestCandleAt: null };
}

const MARKETS = [
  market("BTC-USDT", "binance", 3, 20_000),
  market("BTC-USDT", "okx", 1, 20_000),
  market("BTC-USDT", "kraken", 0, 20_000),
  market("ETH-USDT", "binance", 10, 1_000),
  market("ETH-EUR", "kraken", 10, 1_000),
];

describe("plan (§4–§7)", () => {
  it("§5 posts the never-posted candidate first and replies to its thread tip", () => {
    const states = [
      {
        pair: "BTC-USDT",
        lastPostedAt: new Date("2023-01-10T00:00:00Z"),
        lastText: null,
        threadTip: "111",
        tipThread: null,
      },
    ];
    const result = plan(snapshot(MARKETS), states, OPTIONS);
    expect(result.pair).toBe("ETH-USDT");
    expect(result.inReplyTo).toBeNull();
    expect(result.candidates).toEqual([
      { pair: "BTC-USDT", metric: 80_000, lastPostedAt: new Date("2023-01-10T00:00:00Z") },
      { pair: "ETH-USDT", metric: 10_000, lastPostedAt: null },
    ]);
    expect(result.unpricedPairs).toBe(1);
    expect(result.text).toBe("Top Market Venues for ETH-USDT:\nBinance: 100.00%");
  });

  it("§7 the chosen pair's thread tip is the reply target; venues list all with volume, by volume", () => {
    const result = plan(snapshot(MARKETS), [], {
      ...OPTIONS,
      rankBy: "volume",
      labels: { okx: "OKX Global" },
    });
    expect(result.pair).toBe("ETH-EUR");
    const forced = plan(
      snapshot(MARKETS),
      [{ pair: "BTC-USDT", lastPostedAt: null, lastText: null, threadTip: "42", tipThread: null }],
      {
        ...OPTIONS,
        pair: " btc-usdt ",
        labels: { okx: "OKX Global" },
      },
    );
    expect(forced.pair).toBe("BTC-USDT");
    expect(forced.inReplyTo).toBe("42");
    expect(forced.venues).toEqual([
      { venue: "binance", label: "Binance", volume: 3, share: 0.75 },
      { venue: "okx", label: "OKX Global", volume: 1, share: 0.25 },
    ]);
    expect(forced.text).toBe("Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX Global: 25.00%");
  });

  it("§5 --pair forces a pair that is not a candidate (unpriced) when it has counted candles", () => {
    const result = plan(snapshot(MARKETS), [], { ...OPTIONS, pair: "ETH-EUR" });
    expect(result.pair).toBe("ETH-EUR");
    expect(result.candidates.map((c) => c.pair)).not.toContain("ETH-EUR");
  });

  it("§5 --pair without counted candles with volume is nothing to post (exit 3)", () => {
    const attempt = () => plan(snapshot(MARKETS), [], { ...OPTIONS, pair: "BTC-EUR" });
    expect(attempt).toThrow(NothingToPostError);
    expect(attempt).toThrow("BTC-EUR has no counted candles in the window");
  });

  it("§3 no counted candles is nothing to post (exit 3)", () => {
    const attempt = () => plan(snapshot([]), [], OPTIONS);
    expect(attempt).toThrow(NothingToPostError);
    expect(attempt).toThrow(/No candles counted/);
  });

  it("§4 only unpriced pairs is nothing to post, and says why", () => {
    expect(() => plan(snapshot([market("ETH-EUR", "kraken", 1, 1)]), [], OPTIONS)).toThrow(
      "No pair has volume that can be priced in USD (1 unpriced); try --rank-by quote",
    );
  });

  it("§4 candles without volume are nothing to post, and say so by the metric", () => {
    const idle = [market("BTC-USDT", "binance", 0, 20_000), market("ETH-USDT", "okx", 0, 1_000)];
    expect(() => plan(snapshot(idle), [], OPTIONS)).toThrow(NothingToPostError);
    expect(() => plan(snapshot(idle), [], OPTIONS)).toThrow("No pair has a usd volume above 0 in the window");
    expect(() => plan(snapshot(idle), [], { ...OPTIONS, rankBy: "quote" })).toThrow(
      "No pair has a quote volume above 0 in the window",
    );
  });

  it("§6 a label too long for even one venue stops the run only when its pair is the one to post", () => {
    const markets = [
      market("BTC-USDT", "binance", 3, 20_000),
      market("BTC-USDT", "okx", 1, 20_000),
      market("ETH-USDT", "kraken", 10, 1_000),
    ];
    const labels = { kraken: "K".repeat(300) };
    const posted = (pair: string, day: number) => ({
      pair,
      lastPostedAt: new Date(Date.UTC(2023, 0, day)),
      lastText: "an older text",
      threadTip: null,
      tipThread: null,
    });
    const sentence =
      "The message for ETH-USDT does not fit in 280 weighted characters (X) even with one venue; shorten its venue labels";
    // ETH-USDT has waited longest: it is chosen, and its text cannot be composed.
    const ethFirst = [posted("BTC-USDT", 10), posted("ETH-USDT", 9)];
    expect(() => plan(snapshot(markets), ethFirst, { ...OPTIONS, labels })).toThrow(sentence);
    expect(() => plan(snapshot(markets), [], { ...OPTIONS, labels, pair: "ETH-USDT" })).toThrow(sentence);
    // BTC-USDT has waited longest: it is posted, whatever ETH-USDT's label.
    const btcFirst = [posted("BTC-USDT", 9), posted("ETH-USDT", 10)];
    expect(plan(snapshot(markets), btcFirst, { ...OPTIONS, labels }).pair).toBe("BTC-USDT");
  });
});

describe("§5 pairs passed over", () => {
  const TWO = [market("BTC-USDT", "binance", 3, 100), market("BTC-USDT", "okx", 1, 100)];
  const ONE = [market("ETH-USDT", "binance", 1, 1_000)];
  const BTC_TEXT = "Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX: 25.00%";
  const state = (pair: string, lastText: string | null, day = 10) => ({
    pair,
    lastPostedAt: new Date(Date.UTC(2023, 0, day)),
    lastText,
    threadTip: null,
    tipThread: null,
  });
  const guarded = (minVenues: number) => ({ ...OPTIONS, minVenues });

  it("§5 rule 1: fewer than minVenues venues with volume is passed over, with its reason; exactly minVenues is not", () => {
    const result = plan(snapshot([...TWO, ...ONE]), [], guarded(2));
    expect(result.pair).toBe("BTC-USDT");
    expect(result.candidates).toEqual([
      {
        pair: "ETH-USDT",
        metric: 1_000,
        lastPostedAt: null,
        reason: "only 1 venue with volume (at least 2 needed)",
      },
      { pair: "BTC-USDT", metric: 400, lastPostedAt: null },
    ]);
    expect(plan(snapshot([...TWO, ...ONE]), [], guarded(1)).pair).toBe("ETH-USDT");
  });

  it("§5 rule 1 counts venues with volume only, after the guard's exclusions", () => {
    const markets = [
      market("BTC-USDT", "a", 1, 100),
      market("BTC-USDT", "b", 1, 100),
      market("BTC-USDT", "c", 1, 1_000),
      market("BTC-USDT", "d", 0, 100),
    ];
    const options = { ...guarded(3), anomalies: { ...OPTIONS.anomalies, enabled: true } };
    expect(() => plan(snapshot(markets), [], options)).toThrow(
      "No candidate may be posted: 1 with too few venues (first in line: BTC-USDT, only 2 venues with volume (at least 3 needed))",
    );
    expect(plan(snapshot(markets), [], guarded(3)).pair).toBe("BTC-USDT");
  });

  it("§5 rule 2: a text equal to the pair's last post is passed over; a different text is posted", () => {
    const markets = [...TWO, market("ETH-USDT", "binance", 1, 1), market("ETH-USDT", "okx", 1, 1)];
    const unchanged = plan(
      snapshot(markets),
      [state("BTC-USDT", BTC_TEXT, 1), state("ETH-USDT", null, 2)],
      OPTIONS,
    );
    expect(unchanged.pair).toBe("ETH-USDT");
    expect(unchanged.candidates[0]).toEqual({
      pair: "BTC-USDT",
      metric: 400,
      lastPostedAt: new Date(Date.UTC(2023, 0, 1)),
      reason: "its figures are unchanged since its last post",
    });
    const changed = BTC_TEXT.replace("75.00", "74.99").replace("25.00", "25.01");
    const posted = plan(
      snapshot(markets),
      [state("BTC-USDT", changed, 1), state("ETH-USDT", null, 2)],
      OPTIONS,
    );
    expect(posted.pair).toBe("BTC-USDT");
    expect(posted.text).toBe(BTC_TEXT);
    expect(posted.candidates.every((c) => c.reason === undefined)).toBe(true);
  });

  it("§5 rule 2 compares with the text as it would be posted (labels and K included)", () => {
    const labels = { okx: "OKX Global" };
    const withLabel = "Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX Global: 25.00%";
    const attempt = () => plan(snapshot(TWO), [state("BTC-USDT", withLabel)], { ...OPTIONS, labels });
    expect(attempt).toThrow(/1 unchanged/);
    expect(plan(snapshot(TWO), [state("BTC-USDT", withLabel)], OPTIONS).pair).toBe("BTC-USDT");
    const oneVenue = "Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOthers: 25.00%";
    expect(() => plan(snapshot(TWO), [state("BTC-USDT", oneVenue)], { ...OPTIONS, venues: 1 })).toThrow(
      /1 unchanged/,
    );
  });

  it("§5 the rules are tried in order: held, then too few venues, then unchanged", () => {
    const held = { ...market("ETH-USDT", "binance", 1_000, 1), prior: [1, 1, 1] };
    const options = { ...guarded(2), anomalies: { ...OPTIONS.anomalies, enabled: true } };
    const attempt = () =>
      plan(
        snapshot([held]),
        [state("ETH-USDT", "Top Market Venues for ETH-USDT:\nBinance: 100.00%")],
        options,
      );
    expect(attempt).toThrow(/^No candidate may be posted: 1 held \(first in line: ETH-USDT, held: binance's/);
    const unheld = { ...options, anomalies: { ...options.anomalies, enabled: false } };
    expect(() => plan(snapshot([held]), [], unheld)).toThrow(/1 with too few venues/);
  });

  it("§5 when no candidate may be posted, exit 3 with the reasons counted and what was weighed", () => {
    const held = { ...market("SOL-USDT", "binance", 1_000, 1), prior: [1, 1, 1] };
    const heldToo = { ...market("SOL-USDT", "okx", 1_000, 1), prior: [1, 1, 1] };
    const options = { ...guarded(2), anomalies: { ...OPTIONS.anomalies, enabled: true } };
    const states = [state("BTC-USDT", BTC_TEXT, 1)];
    let error: unknown;
    try {
      plan(snapshot([...TWO, ...ONE, held, heldToo]), states, options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NothingPostableError);
    const refused = error as NothingPostableError;
    expect(refused.exitCode).toBe(3);
    expect(refused.message).toBe(
      "No candidate may be posted: 1 held, 1 with too few venues, 1 unchanged (first in line: SOL-USDT, held: " +
        "binance's volume is 1000× the median of its 3 prior windows with volume (limit 20×))",
    );
    expect(refused.candidates.map((c) => [c.pair, c.reason?.slice(0, 12)])).toEqual([
      ["SOL-USDT", "held: binanc"],
      ["ETH-USDT", "only 1 venue"],
      ["BTC-USDT", "its figures "],
    ]);
    expect(refused.anomalies.map((a) => a.venue)).toEqual(["binance", "okx"]);
  });

  it("§5 --pair on a pair with too few venues, or unchanged, is nothing to post with the reason", () => {
    const forced = (pair: string, minVenues: number, states = [state("BTC-USDT", BTC_TEXT)]) =>
      plan(snapshot([...TWO, ...ONE]), states, { ...guarded(minVenues), pair });
    expect(() => forced("ETH-USDT", 2)).toThrow(NothingToPostError);
    expect(() => forced("ETH-USDT", 2)).toThrow(
      "ETH-USDT may not be posted: only 1 venue with volume (at least 2 needed); --min-venues 1 allows it",
    );
    expect(forced("ETH-USDT", 1).pair).toBe("ETH-USDT");
    expect(() => forced("BTC-USDT", 3)).toThrow(
      "only 2 venues with volume (at least 3 needed); --min-venues 2",
    );
    expect(() => forced("BTC-USDT", 1)).toThrow(
      "BTC-USDT may not be posted: its figures are unchanged since its last post; it is posted again once its figures change",
    );
    expect(forced("BTC-USDT", 1, []).text).toBe(BTC_TEXT);
  });

  it("§5 --pair judges a pair that is not a candidate by the same rules", () => {
    const euro = [market("ETH-EUR", "kraken", 1, 1)];
    expect(() => plan(snapshot([...TWO, ...euro]), [], { ...guarded(2), pair: "ETH-EUR" })).toThrow(
      /ETH-EUR may not be posted: only 1 venue/,
    );
  });
});
