// Comparing snapshots from different engines: the same markets, counts and dates exactly; sums (the
// window's volume and notional, each prior window's volume) within a relative 1e-9, because engines add
// doubles in different orders (the core adds them exactly).

import { expect } from "vitest";
import type { Snapshot } from "../../src/core/types.js";

const RELATIVE = 1e-9;

function close(actual: number, expected: number): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(actual), Math.abs(expected));
}

/** `actual`, or `expected` where the two agree within the tolerance. */
function aligned(actual: number, expected: number | undefined): number {
  return expected !== undefined && close(actual, expected) ? expected : actual;
}

/** Rounds the sums of `actual` onto `expected`'s where they agree within the tolerance, then compares all. */
export function expectSameSnapshot(actual: Snapshot, expected: Snapshot): void {
  const markets = actual.markets.map((m, i) => {
    const e = expected.markets[i];
    if (e === undefined) return m;
    return {
      ...m,
      volume: aligned(m.volume, e.volume),
      notional: aligned(m.notional, e.notional),
      ...(m.prior === undefined ? {} : { prior: m.prior.map((v, k) => aligned(v, e.prior?.[k])) }),
    };
  });
  expect({ ...actual, markets }).toEqual(expected);
}
