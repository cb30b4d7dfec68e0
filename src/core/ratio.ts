// Exact rational arithmetic on the decimals that doubles print as, for the anomaly guard's boundaries
// (SPEC §3a). Limits are decimals a person wrote ("10%", "20") and so are the feed's figures: a VWAP of
// 1.1 against a median of 1 is exactly 10% off, and 130 against 100 exactly 30%; binary doubles alone
// would call both more than the limit (1.1 is 1.10000000000000008…, 0.3 is 0.29999999999999998…).

/** n / d, both >= 0, d > 0. Never reduced: the guard only compares, so sizes stay a few hundred bits. */
export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** The decimal a finite double >= 0 prints as (its shortest round-trip form), exactly. */
export function decimal(x: number): Ratio {
  const match = DECIMAL.exec(String(x));
  if (match === null) throw new RangeError("decimal needs a finite number >= 0");
  // Stryker disable next-line StringLiteral: the pattern always has whole digits, and Number("") is 0 as Number("0") is (the fraction's default is killed)
  const [, whole = "", fraction = "", exponent = "0"] = match;
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length;
  // Stryker disable next-line EqualityOperator: with no shift both branches give digits / 1 (< is killed)
  return shift >= 0 ? { n: digits * 10n ** BigInt(shift), d: 1n } : { n: digits, d: 10n ** BigInt(-shift) };
}

/** a / b; b must be above 0. */
export function quotient(a: Ratio, b: Ratio): Ratio {
  return { n: a.n * b.d, d: a.d * b.n };
}

export function compareRatio(a: Ratio, b: Ratio): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The median of at least one value; of an even count, the mean of the middle two. */
export function medianRatio(values: Ratio[]): Ratio {
  const sorted = [...values].sort(compareRatio);
  const upper = sorted[sorted.length >> 1];
  if (upper === undefined) throw new RangeError("medianRatio needs at least one value");
  const lower = sorted[(sorted.length - 1) >> 1] ?? upper;
  if (lower === upper) return upper;
  return { n: lower.n * upper.d + upper.n * lower.d, d: 2n * lower.d * upper.d };
}

/** |value − center| / center; center must be above 0. */
export function relativeDistance(value: Ratio, center: Ratio): Ratio {
  const difference = value.n * center.d - center.n * value.d;
  // Stryker disable next-line EqualityOperator: -0n is 0n (>= is killed)
  return { n: difference < 0n ? -difference : difference, d: value.d * center.n };
}

/** The nearest double, or near enough to print: both terms are cut to at most 1000 bits first. */
export function toNumber(r: Ratio): number {
  const bits = Math.max(r.n.toString(2).length, r.d.toString(2).length);
  const shift = BigInt(Math.max(0, bits - 1000));
  return Number(r.n >> shift) / Number(r.d >> shift);
}

/**
 * Whether a double keeps its full relative precision (about 1e-16) through the guard's few operations,
 * against the decimal it prints as: not 0, not subnormal, and far from overflow.
 */
// Stryker disable next-line BlockStatement: calling every value imprecise only sends every figure to the exact path
export function precise(x: number): boolean {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: calling a value imprecise only sends it to the exact path, and a huge one cannot mislead the doubles (they overflow to Infinity, never clearly apart); calling a subnormal precise is killed
  return x >= 1e-300 && x <= 1e300;
}

/**
 * Whether `x`, computed from precise doubles in a few operations (error far below 1e-14 × (2 + x)), is
 * so far from `bound` that the exact comparison would agree. Near the bound, compare exactly instead:
 * this only saves the exact arithmetic's cost on the figures nowhere near a limit, which are nearly all.
 */
// Stryker disable next-line BlockStatement: calling nothing clearly apart only sends every figure to the exact path
export function clearlyApart(x: number, bound: number): boolean {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: false only sends every figure to the exact path, and at exactly the margin the doubles are still far clearer than their error (true, <= and a smaller margin are killed)
  return Number.isFinite(x) && Math.abs(x - bound) > 1e-9 * (2 + x + bound);
}
