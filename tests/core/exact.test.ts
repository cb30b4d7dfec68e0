import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactSum, fromScaled, toScaled } from "../../src/core/exact.js";

describe("exact arithmetic", () => {
  it("round-trips every finite double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(fromScaled(toScaled(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it("sums exactly, whatever the order", () => {
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([0.1, 0.2])).toBe(0.30000000000000004);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e12, noNaN: true })), (values) => {
        expect(exactSum([...values].reverse())).toBe(exactSum(values));
      }),
    );
  });

  it("sums as the exact BigInt sum rounds, for any doubles: tiny, huge, of both signs, with cancellations", () => {
    const reference = (values: number[]) => fromScaled(values.reduce((t, v) => t + toScaled(v), 0n));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(0.1)),
          {
            maxLength: 40,
          },
        ),
        (values) => {
          expect(exactSum(values)).toBe(reference(values));
        },
      ),
      { numRuns: 2_000 },
    );
    // Ties: halfway between two doubles, the parts below decide.
    expect(exactSum([1, 2 ** -53, 2 ** -106])).toBe(reference([1, 2 ** -53, 2 ** -106]));
    expect(exactSum([1, 2 ** -53, -(2 ** -106)])).toBe(1);
    // Exactly halfway, with nothing below: to the even neighbour, down or up.
    expect(exactSum([1, 2 ** -53])).toBe(1);
    expect(exactSum([1 + 2 ** -52, 2 ** -53])).toBe(1 + 2 ** -51);
    expect(exactSum([-1, -(2 ** -53)])).toBe(-1);
    expect(exactSum([Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE])).toBe(Number.MAX_VALUE);
  });

  it("sums any iterable of numbers, not only arrays", () => {
    expect(exactSum(new Set([0.1, 0.2, 1e16, -1e16]))).toBe(0.30000000000000004);
    expect(exactSum([].values())).toBe(0);
  });

  it("after large terms cancel, the small ones left round the sum correctly", () => {
    // 1 + 2^-105 rounds down to 1; 1 + 2^-53 + 2^-106 is just past halfway and rounds up.
    expect(exactSum([2 ** -106, 1e16, 1, 2 ** -106, -1e16])).toBe(1);
    expect(exactSum([-1e16, 2 ** -106, 2 ** -53, 1, 1e16])).toBe(1 + 2 ** -52);
  });

  it("rounds a scaled value halfway between two doubles to the even one, and the other ties away", () => {
    // x plus half a unit in its last place: 2^-53 for 1 and 1 + 2^-52, 2^847 for 2^900.
    const halfway = (x: number, half: number) => toScaled(x) + toScaled(half);
    expect(fromScaled(halfway(1, 2 ** -53))).toBe(1);
    expect(fromScaled(halfway(1 + 2 ** -52, 2 ** -53))).toBe(1 + 2 ** -51);
    expect(fromScaled(-halfway(1, 2 ** -53))).toBe(-1);
    expect(fromScaled(halfway(2 ** 900, 2 ** 847))).toBe(2 ** 900);
    // Just past halfway, the bits shifted out decide.
    expect(fromScaled(halfway(1, 2 ** -53) + 1n)).toBe(1 + 2 ** -52);
  });

  it("refuses to scale what is not finite", () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => toScaled(x), String(x)).toThrow("toScaled needs a finite number");
    }
  });

  it('a sum of zeros is 0, never -0 (a volume written "-0" prints no sign)', () => {
    expect(exactSum([-0])).toBe(0);
    expect(exactSum([-0, -0])).toBe(0);
    expect(exactSum([0.5, -0.5])).toBe(0);
  });

  it("sums past the largest double are Infinity, for callers to bound", () => {
    expect(exactSum([Number.MAX_VALUE, Number.MAX_VALUE])).toBe(Number.POSITIVE_INFINITY);
  });
});
