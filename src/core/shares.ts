// Venue shares (SPEC §6): the top K venues and "Others", rounded together by the largest-remainder
// method in hundredths of a percent so that the printed figures add up to exactly 100.00.

import { exactSum, toScaled } from "./exact.js";
import { venueLabel } from "./labels.js";
import { compareText } from "./order.js";

/** Hundredths of a percent in a whole: the printed lines always add up to this. */
const HUNDREDTHS = 10_000;

/** The largest-remainder method on exact weights; remainder ties go to the earlier index. */
function largestRemainderExact(weights: bigint[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum <= 0n || weights.some((w) => w < 0n))
    throw new RangeError("weights must be >= 0 with a positive sum");
  const whole = BigInt(total);
  const floors = weights.map((w) => (w * whole) / sum);
  const remainders = weights.map((w) => (w * whole) % sum);
  let left = Number(whole - floors.reduce((a, b) => a + b, 0n));
  const order = weights
    .map((_, index) => index)
    .sort((a, b) => {
      const ra = remainders[a] ?? 0n;
      const rb = remainders[b] ?? 0n;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: sort is stable and the indices come in order, so equal remainders keep the earlier line first anyway (the remainder order's mutants are killed)
      return ra === rb ? a - b : ra > rb ? -1 : 1;
    });
  const result = floors.map(Number);
  for (const index of order) {
    if (left <= 0) break;
    result[index] = (result[index] ?? 0) + 1;
    left--;
  }
  return result;
}

/**
 * Integers summing to `total`, proportional to `weights` (finite, >= 0, positive sum), each the floor or
 * the ceiling of its quota; remainder ties go to the earlier index. Computed exactly, so no rounding of
 * `w / sum × total` can push a result below 0 or above `total`.
 */
export function largestRemainder(weights: number[], total: number): number[] {
  if (weights.some((w) => !Number.isFinite(w))) throw new RangeError("weights must be finite");
  return largestRemainderExact(weights.map(toScaled), total);
}

export interface ShareLine {
  label: string;
  /** null for the Others line. */
  venue: string | null;
  volume: number;
  hundredths: number;
  /** "41.20", or "<0.01" for a line with volume that rounds to 0. */
  text: string;
}

const OTHERS_LABEL = "Others";

/** `venues` with volume, by volume descending, ties by venue id ascending (SPEC §6). */
export function byVolume<T extends { venue: string; volume: number }>(venues: T[]): T[] {
  return venues
    .filter((v) => v.volume > 0)
    .sort((a, b) => b.volume - a.volume || compareText(a.venue, b.venue));
}

function formatHundredths(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

/**
 * The printed lines: the top `k` venues with volume, then "Others" when more venues have volume, rounded
 * together. `labels` are the operator's overrides.
 */
export function shareLines(
  venues: { venue: string; volume: number }[],
  k: number,
  labels: Record<string, string>,
): ShareLine[] {
  const sorted = byVolume(venues);
  if (sorted.length === 0) return [];
  const shown = sorted.slice(0, Math.max(0, k));
  const rest = sorted.slice(shown.length);
  const weights = shown.map((v) => toScaled(v.volume));
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a weight of 0 never takes a leftover unit (more lines than there are units left have a positive remainder)
  if (rest.length > 0) weights.push(rest.reduce((sum, v) => sum + toScaled(v.volume), 0n));
  const hundredths = largestRemainderExact(weights, HUNDREDTHS);

  const lines: ShareLine[] = shown.map((v, i) => ({
    label: venueLabel(v.venue, labels),
    venue: v.venue,
    volume: v.volume,
    hundredths: hundredths[i] ?? 0,
    // Stryker disable next-line StringLiteral: every line's text is set from its hundredths below
    text: "",
  }));
  if (rest.length > 0) {
    lines.push({
      label: OTHERS_LABEL,
      venue: null,
      volume: Math.min(exactSum(rest.map((v) => v.volume)), Number.MAX_VALUE),
      hundredths: hundredths[shown.length] ?? 0,
      // Stryker disable next-line StringLiteral: every line's text is set from its hundredths below
      text: "",
    });
  }
  for (const line of lines) line.text = line.hundredths === 0 ? "<0.01" : formatHundredths(line.hundredths);
  return lines;
}
