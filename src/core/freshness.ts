// SPEC §3 stale data, in one place for the run and both stores' doctors: the age of the newest valid
// candle at as-of, the boundary (more than maxDataAge is stale; exactly maxDataAge is still fresh), and
// the words that say it.

import { formatDuration } from "./duration.js";

interface Freshness {
  /**
   * `missing`: no valid candle of the granularity before as-of, whether or not the age is checked — the
   * run has nothing to post either way. `unchecked`: `--max-data-age off`.
   */
  state: "fresh" | "stale" | "unchecked" | "missing";
  /** Whether a run may post from this data, as far as its age goes. */
  ok: boolean;
  /** One clause for a person, e.g. "the newest valid 1h candle (…) is 5h 12m old at …, over the limit of 3h". */
  detail: string;
}

export function freshness(
  newest: Date | null,
  asOf: Date,
  granularity: string,
  maxDataAgeMs: number | null,
): Freshness {
  if (newest === null) {
    return {
      state: "missing",
      ok: false,
      detail: `no valid ${granularity} candle before ${asOf.toISOString()}`,
    };
  }
  const ageMs = asOf.getTime() - newest.getTime();
  const age = `the newest valid ${granularity} candle (${newest.toISOString()}) is ${formatDuration(ageMs)} old at ${asOf.toISOString()}`;
  if (maxDataAgeMs === null) return { state: "unchecked", ok: true, detail: `${age}; the age check is off` };
  const limit = formatDuration(maxDataAgeMs);
  if (ageMs > maxDataAgeMs) {
    // Ages are shown to the second or coarser: "3h old, over the limit of 3h" would read as a contradiction.
    const over = formatDuration(ageMs) === limit ? "just over" : "over";
    return { state: "stale", ok: false, detail: `${age}, ${over} the limit of ${limit}` };
  }
  return { state: "fresh", ok: true, detail: `${age}, within the limit of ${limit}` };
}
