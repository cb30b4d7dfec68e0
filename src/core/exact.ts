// Exact arithmetic on doubles. Sums: Shewchuk's algorithm, the correctly rounded sum whatever the order
// of the terms (no BigInt made per term). Shares: every finite double is an integer multiple of 2^-1074,
// so scaled by 2^1074 it becomes an exact BigInt, and a division made that way leaves remainders whose
// ties are real ties, not rounding noise.

const SCALE_BITS = 1074n;

/** `x × 2^1074` exactly. `x` must be finite. */
export function toScaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const exponent = (hi >>> 20) & 0x7ff;
  if (exponent === 0x7ff) throw new RangeError("toScaled needs a finite number");
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Normal numbers carry an implicit leading bit; subnormals are mantissa × 2^-1074 already.
  if (exponent !== 0) mantissa = (mantissa | (1n << 52n)) << BigInt(exponent - 1);
  return negative ? -mantissa : mantissa;
}

/**
 * The double nearest to `scaled × 2^-1074` (ties to even; subnormal results may be off by one unit in the
 * last place); beyond the largest double, ±Infinity.
 */
export function fromScaled(scaled: bigint): number {
  // Stryker disable next-line ConditionalExpression: without it, >> and Number() round a negative value as the mirror of its magnitude all the same (fuzzed, ties included); its true recurses forever and is killed
  if (scaled < 0n) return -fromScaled(-scaled);
  // The bit length, from the hexadecimal digits (a quarter of the binary string's length).
  const hex = scaled.toString(16);
  // Stryker disable next-line ArithmeticOperator,LogicalOperator,StringLiteral: a count a few bits off still keeps 55 to 72 bits, and Number() still rounds once, correctly (fuzzed; dividing by 4 is killed); hex is never empty
  const bits = (hex.length - 1) * 4 + Number.parseInt(hex[0] ?? "0", 16).toString(2).length;
  // Keep 64 significant bits plus a sticky bit, so Number() rounds exactly once, correctly.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a negative shift scales a short value up exactly and the exponent follows, so true and >= change nothing (false and <= are killed)
  const shift = bits > 64 ? BigInt(bits - 64) : 0n;
  let head = scaled >> shift;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with no shift nothing was shifted out, so true or >= 0n here sets no sticky bit either (the whole test's true and false, and <=, are killed)
  if (shift > 0n && head << shift !== scaled) head |= 1n;
  const exponent = Number(shift - SCALE_BITS);
  // Two steps, so that neither power of two over- or underflows on its own.
  const half = Math.trunc(exponent / 2);
  return Number(head) * 2 ** half * 2 ** (exponent - half);
}

/**
 * The correctly rounded sum of finite numbers, whatever their order. Shewchuk's algorithm (as Python's
 * math.fsum): the running sum is kept exactly as a few non-overlapping doubles, so that no BigInt is made
 * on the common path; a sum whose partials overflow is done again through {@link toScaled}, exactly.
 */
export function exactSum(values: Iterable<number>): number {
  const list = Array.isArray(values) ? (values as number[]) : [...values];
  const partials: number[] = [];
  for (const value of list) {
    let x = value;
    let kept = 0;
    for (let j = 0; j < partials.length; j++) {
      const p = partials[j] as number;
      // Two-sum with the larger first, so that `lo` is exactly what `hi` lost.
      // Stryker disable next-line EqualityOperator: of two terms of equal magnitude the sum is exact whichever comes first
      const big = Math.abs(x) < Math.abs(p) ? p : x;
      const small = big === x ? p : x;
      const hi = big + small;
      const lo = small - (hi - big);
      if (lo !== 0) partials[kept++] = lo;
      x = hi;
    }
    // Stryker disable next-line BooleanLiteral,ConditionalExpression: the exact BigInt sum is the same correctly rounded sum, only slower (never falling back is killed)
    if (!Number.isFinite(x)) return scaledSum(list);
    partials.length = kept;
    partials.push(x);
  }
  return roundPartials(partials);
}

/** The one double nearest to the exact sum of non-overlapping partials, ties to even (fsum's last step). */
function roundPartials(partials: number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Halfway between two doubles: what is left below decides which way the tie really goes.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: partials[-1] is undefined, which compares with 0 as 0 does (false and <= are killed)
  const below = n > 0 ? (partials[n - 1] as number) : 0;
  // Stryker disable next-line EqualityOperator: with lo 0 the correction adds 0, so lo <= 0 and lo >= 0 change nothing (the other comparisons are killed)
  if ((lo < 0 && below < 0) || (lo > 0 && below > 0)) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi === 0 ? 0 : hi;
}

function scaledSum(values: readonly number[]): number {
  let total = 0n;
  for (const value of values) total += toScaled(value);
  return fromScaled(total);
}
