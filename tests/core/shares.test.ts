import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { largestRemainder, shareLines } from "../../src/core/shares.js";

/** The printed figure back in hundredths; "<0.01" stands for the hundredths it carries. */
function printedHundredths(line: { text: string; hundredths: number }): number {
  if (line.text === "<0.01") return line.hundredths;
  const [whole = "", cents = ""] = line.text.split(".");
  return Number(whole) * 100 + Number(cents);
}

describe("largestRemainder (§6)", () => {
  it("§6 remainder ties go to the earlier line", () => {
    expect(largestRemainder([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(largestRemainder([1, 1], 1)).toEqual([1, 0]);
    expect(largestRemainder([2, 1, 1], 10)).toEqual([5, 3, 2]);
  });

  it("§6 the largest remainders get the leftover units", () => {
    // Quotas 1.4, 1.4 and 7.2 give floors 1, 1, 7: the one leftover goes to a .4 line, the earlier.
    expect(largestRemainder([14, 14, 72], 10)).toEqual([2, 1, 7]);
    expect(largestRemainder([1, 0, 2], 100)).toEqual([33, 0, 67]);
  });

  it("exact on weights at the ends of the double range", () => {
    expect(largestRemainder([Number.MAX_VALUE, Number.MAX_VALUE], 10_000)).toEqual([5000, 5000]);
    expect(largestRemainder([Number.MIN_VALUE, Number.MIN_VALUE * 3], 4)).toEqual([1, 3]);
    expect(largestRemainder([Number.MAX_VALUE, Number.MIN_VALUE], 10_000)).toEqual([10_000, 0]);
  });

  it("refuses weights it cannot share, saying which rule they break", () => {
    for (const weights of [[], [0, 0], [-1, 2], [3, -0.5, 1]]) {
      expect(() => largestRemainder(weights, 100), String(weights)).toThrow(
        "weights must be >= 0 with a positive sum",
      );
    }
    for (const weights of [
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, 1],
    ]) {
      expect(() => largestRemainder(weights, 100), String(weights)).toThrow("weights must be finite");
    }
  });

  it("property: sums to total, and each result is within 1 of its quota", () => {
    const weight = fc.oneof(fc.constant(0), fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(weight, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 100_000 }),
        (weights, total) => {
          fc.pre(weights.some((w) => w > 0));
          const result = largestRemainder(weights, total);
          expect(result.reduce((a, b) => a + b, 0)).toBe(total);
          const max = Math.max(...weights);
          const sum = weights.reduce((a, w) => a + w / max, 0);
          result.forEach((r, i) => {
            const quota = ((weights[i] ?? 0) / max / sum) * total;
            expect(Number.isInteger(r) && r >= 0 && r <= total).toBe(true);
            expect(Math.abs(r - quota)).toBeLessThanOrEqual(1 + 1e-6 * total);
          });
        },
      ),
    );
  });
});

describe("shareLines (§6)", () => {
  it("§6 the top K venues by volume, ties by venue id, then Others with the rest", () => {
    const lines = shareLines(
      [
        { venue: "kraken", volume: 10 },
        { venue: "binance", volume: 50 },
        { venue: "bitstamp", volume: 10 },
        { venue: "okx", volume: 30 },
      ],
      2,
      {},
    );
    expect(lines.map((l) => [l.label, l.venue, l.text])).toEqual([
      ["Binance", "binance", "50.00"],
      ["OKX", "okx", "30.00"],
      ["Others", null, "20.00"],
    ]);
    expect(lines[2]?.volume).toBe(20);
  });

  it("§6 no Others line when at most K venues have volume; zero-volume venues are not listed", () => {
    const lines = shareLines(
      [
        { venue: "binance", volume: 3 },
        { venue: "okx", volume: 1 },
        { venue: "kraken", volume: 0 },
      ],
      2,
      {},
    );
    expect(lines.map((l) => `${l.label}: ${l.text}%`)).toEqual(["Binance: 75.00%", "OKX: 25.00%"]);
  });

  it("§6 no venue with volume is no line at all", () => {
    expect(shareLines([], 5, {})).toEqual([]);
    expect(shareLines([{ venue: "okx", volume: 0 }], 5, {})).toEqual([]);
  });

  it("§6 a line with nonzero volume that rounds to 0.00 prints <0.01", () => {
    const lines = shareLines(
      [
        { venue: "binance", volume: 1_000_000 },
        { venue: "tiny", volume: 1 },
      ],
      5,
      {},
    );
    expect(lines.map((l) => l.text)).toEqual(["100.00", "<0.01"]);
  });

  it("§6 rounding: thirds print 33.34, 33.33, 33.33", () => {
    const lines = shareLines(
      [
        { venue: "a", volume: 1 },
        { venue: "b", volume: 1 },
        { venue: "c", volume: 1 },
      ],
      5,
      {},
    );
    expect(lines.map((l) => l.text)).toEqual(["33.34", "33.33", "33.33"]);
  });

  it("property: printed shares always sum to exactly 100.00 and never show NaN, Infinity or a sign", () => {
    const volume = fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
      fc.double({ min: 0, max: 1e-300, noNaN: true }),
      fc.integer({ min: 0, max: 1_000_000 }),
    );
    const venues = fc.uniqueArray(fc.record({ venue: fc.string({ minLength: 1, maxLength: 6 }), volume }), {
      selector: (v) => v.venue,
      maxLength: 60,
    });
    fc.assert(
      fc.property(venues, fc.integer({ min: 0, max: 12 }), (list, k) => {
        fc.pre(list.some((v) => v.volume > 0));
        const lines = shareLines(list, k, {});
        expect(lines.reduce((sum, line) => sum + printedHundredths(line), 0)).toBe(10_000);
        for (const line of lines) expect(line.text).toMatch(/^(?:<0\.01|\d+\.\d\d)$/);
      }),
    );
  });
});
