// Exact arithmetic on doubles, through BigInt: every finite double is an integer multiple of 2^-1074,
// so scaled by 2^1074 it becomes an exact BigInt. Sums and share divisions made this way do not depend
// on the order of their terms, and ties between remainders are real ties, not rounding noise.

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
  if (scaled < 0n) return -fromScaled(-scaled);
  const bits = scaled.toString(2).length;
  // Keep 64 significant bits plus a sticky bit, so Number() rounds exactly once, correctly.
  const shift = bits > 64 ? BigInt(bits - 64) : 0n;
  let head = scaled >> shift;
  if (shift > 0n && head << shift !== scaled) head |= 1n;
  const exponent = Number(shift - SCALE_BITS);
  // Two steps, so that neither power of two over- or underflows on its own.
  const half = Math.trunc(exponent / 2);
  return Number(head) * 2 ** half * 2 ** (exponent - half);
}

/** The correctly rounded sum of finite numbers, whatever their order. */
export function exactSum(values: Iterable<number>): number {
  let total = 0n;
  for (const value of values) total += toScaled(value);
  return fromScaled(total);
}
