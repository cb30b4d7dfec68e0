// The MongoDB suite against a real server: set CAPBOT_TEST_MONGODB_URI (a local `mongod` or an Atlas
// cluster). Each fixture gets a throw-away database, dropped at the end. Without the variable the suite
// is skipped, and says so.
import { MongoClient } from "mongodb";
import { afterAll, describe, it } from "vitest";
import { openMongoStore } from "../../src/store/mongo.js";
import { describeStoreContract } from "./contract.js";
import { describeMongoBehaviour, type MongoFixture } from "./mongo-behaviour.js";

const uri = process.env["CAPBOT_TEST_MONGODB_URI"];
const SKIPPED = "skipped: set CAPBOT_TEST_MONGODB_URI to run the MongoDB suite against a real server";

if (!uri) {
  console.warn(`MongoDB suite ${SKIPPED}`);
  describe("MongoDB suite", () => {
    it.skip(SKIPPED, () => undefined);
  });
} else {
  const raw = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  const created: string[] = [];
  const run = `capbot_test_${process.pid}_${Date.now().toString(36)}`;

  afterAll(async () => {
    for (const name of created) await raw.db(name).dropDatabase();
    await raw.close();
  });

  const fixture = async (): Promise<MongoFixture> => {
    const name = `${run}_${created.length}`;
    created.push(name);
    const db = raw.db(name);
    return {
      open: () =>
        openMongoStore({
          uri,
          db: name,
          ohlcv: "ohlcv_db",
          posts: "posts_db",
          serverSelectionTimeoutMs: 10_000,
        }),
      raw: {
        insert: async (collection, docs) => {
          await db.collection(collection).insertMany(docs.map((d) => ({ ...d })));
        },
        all: (collection) => db.collection(collection).find({}, { promoteLongs: false }).toArray(),
        indexKeys: async (collection) => {
          const exists = await db.listCollections({ name: collection }).hasNext();
          if (!exists) return [];
          return (await db.collection(collection).listIndexes().toArray()).map((ix) =>
            JSON.stringify(ix["key"]),
          );
        },
      },
    };
  };

  describeStoreContract("mongodb (real server)", async () => (await fixture()).open(), { clears: false });
  describeMongoBehaviour("real server", fixture);
}
