// MongoDB Extended JSON v2 (canonical and relaxed) as `capbot import` reads it, and the same notation as
// the embedded store writes its documents in: values JSON cannot hold (dates, NaN, Infinity, integers
// beyond 2^53) travel as the standard `$` wrappers, so a document reads back as it was stored.

const SAFE_INTEGER = /^-?[0-9]+$/;
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** What a wrapper means, or `undefined` when it is not one this module reads (then it stays as it is). */
function unwrap(key: string, value: unknown): unknown {
  switch (key) {
    case "$date":
      return dateOf(value);
    case "$oid":
      return typeof value === "string" && OBJECT_ID.test(value) ? value.toLowerCase() : undefined;
    case "$numberLong":
      return typeof value === "string" ? integerOf(value) : undefined;
    case "$numberInt":
      return typeof value === "string" && SAFE_INTEGER.test(value) ? Number(value) : undefined;
    case "$numberDouble":
      return typeof value === "string" ? doubleOf(value) : undefined;
    default:
      // `$numberDecimal` stays a wrapper: the core's parseNumber reads it, and no precision is lost.
      return undefined;
  }
}

/** An integer; beyond 2^53 a bigint, so that a legacy tweet id keeps every digit. */
function integerOf(text: string): number | bigint | undefined {
  if (!SAFE_INTEGER.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function doubleOf(text: string): number | undefined {
  if (text === "NaN") return Number.NaN;
  if (text === "Infinity") return Number.POSITIVE_INFINITY;
  if (text === "-Infinity") return Number.NEGATIVE_INFINITY;
  const n = Number(text);
  return text.trim() === "" || Number.isNaN(n) ? undefined : n;
}

/** Relaxed: an ISO string; canonical: `{ $numberLong: ms }`; older tools: a number of ms. */
function dateOf(value: unknown): Date | undefined {
  let ms = Number.NaN;
  if (typeof value === "string") ms = Date.parse(value);
  else if (typeof value === "number") ms = value;
  else if (typeof value === "object" && value !== null) {
    const long = (value as Record<string, unknown>)["$numberLong"];
    if (typeof long === "string" && SAFE_INTEGER.test(long)) ms = Number(long);
  }
  // An unreadable date is data too: the wrapper is kept, and the candle simply has no date.
  return Number.isNaN(new Date(ms).getTime()) ? undefined : new Date(ms);
}

/**
 * Replaces Extended JSON wrappers by the values they stand for, in place, in a freshly parsed JSON value.
 * Unknown wrappers (`$binary`, `$timestamp`, …) and unreadable ones are kept as they are.
 */
export function decodeExtendedJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeExtendedJson(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only?.startsWith("$")) {
    const unwrapped = unwrap(only, record[only]);
    if (unwrapped !== undefined) return unwrapped;
  }
  for (const key of keys) record[key] = decodeExtendedJson(record[key]);
  return record;
}

/**
 * The text each imported document was parsed from, so that the embedded store can write that text as it
 * is instead of serialising the document again (a third of an import's time). Only for documents that
 * go from the parser straight to a store, unchanged: a WeakMap, so nothing else ever sees it.
 */
const sources = new WeakMap<object, string>();

/** `JSON.parse` plus {@link decodeExtendedJson}; `keepSource` remembers the text for {@link stringifyExtendedJson}. */
export function parseExtendedJson(text: string, keepSource = false): unknown {
  const parsed: unknown = JSON.parse(text);
  // Most documents hold no wrapper at all; skipping the walk then keeps imports and reads fast.
  const value = text.includes('"$') ? decodeExtendedJson(parsed) : parsed;
  if (keepSource && typeof value === "object" && value !== null) sources.set(value, text);
  return value;
}

/** A value as relaxed Extended JSON: what JSON cannot hold becomes its wrapper. */
function toJsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : { $numberDouble: String(value) };
    case "bigint":
      return { $numberLong: value.toString() };
    case "object": {
      if (value === null) return null;
      if (value instanceof Date) {
        const ms = value.getTime();
        return Number.isNaN(ms) ? { $date: "invalid" } : { $date: value.toISOString() };
      }
      if (Array.isArray(value)) return value.map(toJsonSafe);
      const tagged = value as { _bsontype?: unknown };
      // A Long's own JSON form is its two 32-bit halves, which would read back as no number at all.
      if (tagged._bsontype === "Long") return { $numberLong: String(value) };
      // Any other BSON value from the driver (Decimal128, ObjectId…) knows its own Extended JSON form.
      if (typeof tagged._bsontype === "string") return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = toJsonSafe(v);
      return out;
    }
    default:
      return value;
  }
}

/** The document as relaxed Extended JSON text, which {@link parseExtendedJson} reads back to the same values. */
export function stringifyExtendedJson(doc: Record<string, unknown>): string {
  return sources.get(doc) ?? JSON.stringify(toJsonSafe(doc));
}
