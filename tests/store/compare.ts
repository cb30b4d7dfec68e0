// Comparing snapshots from different engines: the same markets, counts and dates exactly; sums within a
// relative 1e-9, because engines add doubles in different orders (the core adds them exactly).

import { expect } from "vitest";
import type { Snapshot } from "../../src/core/types.js";

const RELATIVE = 1e-9;

function close(actual: number, expected: number): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(actual), Math.abs(expected));
}

/** Rounds the sums of `actual` onto `expected`'s where they agree within the tolerance, then compares all. */
export function expectSameSnapshot(actual: Snapshot, expected: Snapshot): void {
  const aligned = actual.markets.map((m, i) => {
    const e = expected.markets[i];
    if (e === undefined) return m;
    return {
      ...m,
      volume: close(m.volume, e.volume) ? e.volume : m.volume,
      notional: close(m.notional, e.notional) ? e.notional : m.notional,
    };
  });
  expect({ ...actual, markets: aligned }).toEqual(expected);
}
