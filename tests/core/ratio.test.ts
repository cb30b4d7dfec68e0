import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareRatio,
  decimal,
  medianRatio,
  quotient,
  relativeDistance,
  toNumber,
} from "../../src/core/ratio.js";

const nonNegative = fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true });

describe("exact ratios on the decimals doubles print as", () => {
  it("reads a double as the decimal it prints as, in every notation", () => {
    expect(decimal(1.1)).toEqual({ n: 11n, d: 10n });
    expect(decimal(110)).toEqual({ n: 110n, d: 1n });
    expect(decimal(1e-7)).toEqual({ n: 1n, d: 10_000_000n });
    expect(decimal(1.5e21)).toEqual({ n: 1_500_000_000_000_000_000_000n, d: 1n });
    expect(decimal(-0)).toEqual({ n: 0n, d: 1n });
  });

  it("refuses what is not a finite number >= 0", () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(() => decimal(x)).toThrow(new RangeError("decimal needs a finite number >= 0"));
    }
  });

  it("orders decimals as their doubles are ordered", () => {
    fc.assert(
      fc.property(nonNegative, nonNegative, (a, b) => {
        expect(compareRatio(decimal(a), decimal(b))).toBe(Math.sign(a - b));
      }),
    );
  });

  it("1.1 is exactly 10% from 1, where the binary doubles are not", () => {
    expect(compareRatio(relativeDistance(decimal(1.1), decimal(1)), decimal(0.1))).toBe(0);
    expect(compareRatio(relativeDistance(decimal(130), decimal(100)), decimal(0.3))).toBe(0);
    expect(Math.abs(1.1 - 1) / 1).toBeGreaterThan(0.1);
  });

  it("the median of an odd count is the middle value; of an even count, the mean of the middle two", () => {
    const ratios = (xs: number[]) => xs.map(decimal);
    expect(medianRatio(ratios([3, 1, 2]))).toEqual(decimal(2));
    expect(compareRatio(medianRatio(ratios([130, 90, 120, 100])), decimal(110))).toBe(0);
    expect(compareRatio(medianRatio(ratios([0.1, 0.2])), decimal(0.15))).toBe(0);
    expect(() => medianRatio([])).toThrow(new RangeError("medianRatio needs at least one value"));
  });

  it("prints as a near double, even with terms beyond the doubles' range", () => {
    expect(toNumber(quotient(decimal(31.4), decimal(1)))).toBe(31.4);
    expect(toNumber(quotient(decimal(Number.MAX_VALUE), decimal(5e-324)))).toBe(Number.POSITIVE_INFINITY);
    expect(toNumber(quotient(decimal(5e-324), decimal(Number.MAX_VALUE)))).toBe(0);
    expect(toNumber(quotient(decimal(1e300), decimal(1e-300)))).toBe(Number.POSITIVE_INFINITY);
    expect(toNumber(quotient(decimal(3e-300), decimal(1e-300)))).toBeCloseTo(3, 12);
    // 10^310 over 10^300: the longer term alone is beyond the doubles, the quotient is not.
    expect(toNumber(quotient(decimal(1e-300), decimal(1e-310)))).toBeCloseTo(1e10, 0);
  });
});
