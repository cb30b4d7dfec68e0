// mingo as a stand-in for the server's aggregation engine on documents that hold BSON numbers, as the
// driver stores them: Decimal128, Long (Int64), Int32 and Double objects, JS numbers (an integer in the
// int32 range is stored as an int, any other number as a double) and bigints (a long).
//
// mingo itself knows no BSON classes: its `$isNumber` is false for them, its `$type` names them
// "decimal128" and "int32", its `$toString` fails on them, and its `$convert` reads a decimal through
// `Number()` (no overflow or underflow error, a NaN decimal fails). The pipelines read stored values only
// through these four operators, so in the tests (only there) they are replaced by versions that do what
// a server does, and every other operator is mingo's own:
// - `$isNumber`: true for every BSON number class.
// - `$type`: "decimal", "long", "int" or "double".
// - `$convert` to "double": a Decimal128 is rounded to the nearest double (ties to even); like the
//   server's decimal cast, a finite decimal beyond the double's range (overflow) or a nonzero one below
//   its smallest normal value (underflow) is a conversion error (then `onError`); NaN and ±Infinity
//   convert to themselves. A Long converts to the nearest double, an Int32 or a Double to its value.
// - `$convert` to "string" and `$toString`: a decimal's own text ("1E+3"), a Long's or Int32's digits.
// Any other conversion of a BSON number is not modelled and throws, so that a pipeline that starts to
// need one fails here instead of passing on a guess.

import { Aggregator } from "mingo/aggregator";
import { Context, evalExpr } from "mingo/core";
import * as accumulator from "mingo/operators/accumulator";
import * as expression from "mingo/operators/expression";
import * as pipeline from "mingo/operators/pipeline";
import * as projection from "mingo/operators/projection";
import * as query from "mingo/operators/query";
import * as window from "mingo/operators/window";
import type { Document } from "mongodb";

type Operator = (obj: unknown, expr: unknown, options: Parameters<typeof evalExpr>[2]) => unknown;

/** The server's type name of each BSON number class. */
const BSON_TYPES: Record<string, string> = {
  Decimal128: "decimal",
  Long: "long",
  Int32: "int",
  Double: "double",
};

const MIN_NORMAL = 2.2250738585072014e-308;

function bsonType(value: unknown): string | null {
  if (typeof value === "bigint") return "long";
  if (typeof value !== "object" || value === null || !("_bsontype" in value)) return null;
  return BSON_TYPES[String(value._bsontype)] ?? null;
}

function conversionError(value: unknown): Error {
  return new Error(
    `Conversion would overflow target type in $convert with no onError value: ${String(value)}`,
  );
}

/** The server's cast of a BSON number to a double (see the module comment). */
function toDouble(value: unknown, type: string): number {
  const text = String(value);
  const n = Number(text);
  if (type !== "decimal" || Number.isNaN(n) || /Inf/.test(text)) return n;
  const nonzero = /[1-9]/.test(text.split("E")[0] ?? "");
  if (!Number.isFinite(n) || (nonzero && Math.abs(n) < MIN_NORMAL)) throw conversionError(value);
  return n;
}

function convertBson(value: unknown, type: string, to: unknown): unknown {
  if (to === "double") return toDouble(value, type);
  if (to === "string" && type !== "double") return String(value);
  throw new Error(`the MongoDB stand-in does not model $convert of a ${type} to ${String(to)}`);
}

const builtin = expression as unknown as Record<string, Operator>;

function delegate(name: string): Operator {
  const op = builtin[name];
  if (op === undefined) throw new Error(`mingo has no ${name}`);
  return op;
}

const $isNumber: Operator = (obj, expr, options) =>
  bsonType(evalExpr(obj, expr, options)) !== null || delegate("$isNumber")(obj, expr, options);

const $type: Operator = (obj, expr, options) => {
  const value = evalExpr(obj, expr, options);
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? "int" : "double";
  }
  return bsonType(value) ?? delegate("$type")(obj, expr, options);
};

const $toString: Operator = (obj, expr, options) => {
  const value = evalExpr(obj, expr, options);
  const type = bsonType(value);
  return type === null ? delegate("$toString")(obj, expr, options) : convertBson(value, type, "string");
};

const $convert: Operator = (obj, expr, options) => {
  const spec = expr as { input: unknown; to: unknown; onError?: unknown };
  const value = evalExpr(obj, spec.input, options);
  const type = bsonType(value);
  if (type === null) return delegate("$convert")(obj, expr, options);
  try {
    return convertBson(value, type, evalExpr(obj, spec.to, options));
  } catch (err) {
    if (spec.onError === undefined) throw err;
    return evalExpr(obj, spec.onError, options);
  }
};

const context = Context.init({
  accumulator,
  expression: { ...expression, $isNumber, $type, $toString, $convert },
  pipeline,
  projection,
  query,
  window,
} as Parameters<typeof Context.init>[0]);

/** Runs `stages` over `docs` as a MongoDB server would (see the module comment for what is modelled). */
export function aggregateOnServer(docs: Document[], stages: Document[]): Document[] {
  return new Aggregator(stages, { context }).run(docs) as Document[];
}
