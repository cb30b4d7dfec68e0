// Imported documents reach MongoDB as the data team's would: Decimal128 volumes, ObjectId ids.
import { Decimal128, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { idString, toMongoDocument, toMongoId } from "../../src/store/mongo-values.js";

const bson = { Decimal128, ObjectId };

describe("toMongoDocument", () => {
  it("turns $numberDecimal markers into Decimal128, at any depth", () => {
    const doc = toMongoDocument(
      {
        volume: { $numberDecimal: "8968.125" },
        nested: { list: [{ $numberDecimal: "1e3" }] },
        close: "86.86",
      },
      bson,
    );
    expect(doc["volume"]).toBeInstanceOf(Decimal128);
    expect(String(doc["volume"])).toBe("8968.125");
    const inner = (doc["nested"] as { list: unknown[] }).list[0];
    expect(inner).toBeInstanceOf(Decimal128);
    expect(doc["close"]).toBe("86.86");
  });

  it("keeps a marker that is not a decimal as its string: bad values are data", () => {
    const doc = toMongoDocument({ volume: { $numberDecimal: "abc" } }, bson);
    expect(doc["volume"]).toBe("abc");
  });

  it("a 24-hex _id becomes an ObjectId; another _id stays as it is; dates stay dates", () => {
    const time = new Date("2023-01-15T01:00:00Z");
    const doc = toMongoDocument({ _id: "63c3f1e2a1b2c3d4e5f60718", time }, bson);
    expect(doc["_id"]).toBeInstanceOf(ObjectId);
    expect(idString(doc["_id"])).toBe("63c3f1e2a1b2c3d4e5f60718");
    expect(doc["time"]).toBe(time);
    expect(toMongoDocument({ _id: "legacy-1" }, bson)["_id"]).toBe("legacy-1");
  });

  it("ids round-trip between the store's strings and _id values", () => {
    const oid = new ObjectId();
    expect(idString(oid)).toBe(oid.toHexString());
    expect(toMongoId(idString(oid), bson)).toEqual(oid);
    expect(toMongoId("not-hex", bson)).toBe("not-hex");
    expect(idString(42)).toBe("42");
  });
});
