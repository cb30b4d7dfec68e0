// Values crossing into MongoDB: the importer's `{ $numberDecimal: "…" }` markers become Decimal128 and
// a 24-hex `_id` becomes an ObjectId, so imported documents look like the ones the data team writes.
// The driver's classes are passed in: the driver itself loads only in mongo.ts, on demand.

import type { Decimal128, ObjectId } from "mongodb";

export interface BsonClasses {
  Decimal128: typeof Decimal128;
  ObjectId: typeof ObjectId;
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A copy of an imported document ready for insertMany. Bad values stay bad values: they are data. */
export function toMongoDocument(doc: Record<string, unknown>, bson: BsonClasses): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    out[key] = key === "_id" ? toMongoId(value, bson) : toMongoValue(value, bson);
  }
  return out;
}

/** The store id of a document as capbot hands it out: ObjectId hex, or the id as a string. */
export function idString(id: unknown): string {
  if (id instanceof Object && "toHexString" in id && typeof id.toHexString === "function") {
    return String(id.toHexString());
  }
  return String(id);
}

/** An id from `idString` back to what is stored under `_id`. */
export function toMongoId(id: unknown, bson: BsonClasses): unknown {
  return typeof id === "string" && OBJECT_ID.test(id) ? new bson.ObjectId(id) : id;
}

function toMongoValue(value: unknown, bson: BsonClasses): unknown {
  if (Array.isArray(value)) return value.map((v) => toMongoValue(v, bson));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$numberDecimal") {
    const text = value["$numberDecimal"];
    if (typeof text !== "string") return text;
    try {
      return bson.Decimal128.fromString(text);
    } catch {
      // Not a decimal (e.g. "abc"): kept as the string, which the validity rule rejects like any bad volume.
      return text;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toMongoValue(v, bson);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
