// The MongoDB store on the in-memory driver stand-in (mingo): its own logic, always, without a server.
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { mongoStoreOn } from "../../src/store/mongo.js";
import { describeStoreContract } from "./contract.js";
import { describeMongoBehaviour, type MongoFixture } from "./mongo-behaviour.js";
import { bson, type FakeDb, fakeClient } from "./mongo-fake.js";

const options = {
  uri: "mongodb://fake-user:fake-password@127.0.0.1:1/?directConnection=true",
  db: "metrics",
  ohlcv: "ohlcv_db",
  posts: "posts_db",
  serverSelectionTimeoutMs: 1500,
};

async function fixture(): Promise<MongoFixture> {
  const { client } = fakeClient();
  const db = client.db(options.db) as unknown as FakeDb;
  return {
    open: async () => mongoStoreOn(client, options, bson),
    raw: {
      insert: async (name, docs) => {
        for (const d of docs) await db.collection(name).insertOne(d);
      },
      all: async (name) => db.collection(name).docs.map((d) => ({ ...d })),
      indexKeys: async (name) =>
        (await db.collection(name).listIndexes().toArray()).map((ix) => JSON.stringify(ix["key"])),
    },
  };
}

describeStoreContract(
  "mongodb on the in-memory driver stand-in",
  async () => mongoStoreOn(fakeClient().client, options, bson),
  {
    clears: false,
  },
);
describeMongoBehaviour("in-memory driver stand-in", fixture);

describe("MongoDB store on the stand-in: what it never asks of the candles collection", () => {
  it("a full cycle only reads the candles collection", async () => {
    const { client } = fakeClient();
    const db = client.db(options.db) as unknown as FakeDb;
    const store = mongoStoreOn(client, options, bson);
    const query = {
      granularity: "1h",
      from: new Date("2024-05-01T00:00:00Z"),
      to: new Date("2024-05-02T00:00:00Z"),
    };
    await store.snapshot(query);
    await store.countCandles();
    await store.doctor(query, null, query.to);
    const id = await store.insertIntent({
      time: query.to,
      pair: "LTC-USDT",
      tweetText: "text",
      inReplyTo: null,
      publisher: "local",
      runId: "run",
    });
    await store.markPosted(id, { tweetId: "1", time: query.to, inReplyTo: null });
    expect(new Set(db.collection("ohlcv_db").calls)).toEqual(
      new Set(["aggregate", "countDocuments", "findOne"]),
    );
  });
});

describe("MongoDB lease on the stand-in: a failure that is no refusal", () => {
  it("§8 a driver error while taking the lease is thrown, not read as 'another run holds it'", async () => {
    const { client } = fakeClient();
    const locks = (client.db(options.db) as unknown as FakeDb).collection("capbot_locks");
    const store = mongoStoreOn(client, options, bson);
    locks.findOneAndUpdate = async () => {
      throw Object.assign(new Error("connection reset"), { name: "MongoNetworkError" });
    };
    await expect(store.acquireLock("run-a", 60_000, new Date("2024-05-01T12:00:00Z"))).rejects.toThrow(
      StoreError,
    );
    await store.close();
  });
});
