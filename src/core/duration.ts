// Durations as people write them in flags and settings ("90m", "24h", "7d", "1h 30m") and as messages
// show them ("3h 12m").

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w)\s*)+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds, or null when the text is not one or more `{number}{ms|s|m|h|d|w}` parts. Never throws. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (!DURATION_RE.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART_RE)) {
    // Stryker disable next-line StringLiteral: PART_RE always captures a unit, so the fallback key is never read.
    total += Number(amount) * (UNIT_MS[unit ?? ""] ?? Number.NaN);
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : null;
}

const FORMAT_UNITS: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** The two largest units of a duration, e.g. "3h 12m", "2d", "45s"; under a second, "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const magnitude = Math.abs(ms);
  // Against the magnitude rather than `ms < 0`, whose `<=` mutant zero (shown "0s", unsigned) cannot tell apart.
  const sign = magnitude === ms ? "" : "-";
  let rest = Math.floor(magnitude / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((part) => !part.startsWith("0"));
  return shown.length === 0 ? "0s" : sign + shown.join(" ");
}

/** A timeout or wait in seconds for a sentence: "10 s", "1.5 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
