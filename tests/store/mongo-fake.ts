// A stand-in for the few driver calls the MongoDB store makes, with mingo evaluating the filters,
// updates and pipelines (the pipelines on the documents' BSON values, as a server would: mingo-bson.ts),
// so that the store's own logic (what it asks, what it writes, what it leaves alone) is tested without a
// server. It is no substitute for one: with CAPBOT_TEST_MONGODB_URI the same tests run against a real
// server. Unique `_id`s are enforced, as the server does.
import { find, update, updateOne } from "mingo";
import { Decimal128, type Document, type MongoClient, ObjectId } from "mongodb";
import { aggregateOnServer } from "./mingo-bson.js";

type Doc = Record<string, unknown>;

export class FakeCollection {
  readonly docs: Doc[] = [];
  readonly indexes: Doc[] = [];
  /** Every call made, by method name, to check what the store never does (e.g. write to the candles). */
  readonly calls: string[] = [];

  constructor(readonly collectionName: string) {}

  aggregate(pipeline: Document[]) {
    this.calls.push("aggregate");
    const docs = this.docs;
    return {
      // Shallow copies, so that no stage can change a stored document; BSON values stay as they are.
      toArray: async () => aggregateOnServer(docs.map(copy), pipeline) as Doc[],
      explain: async () => ({
        stages: [{ $cursor: { executionStats: { totalDocsExamined: docs.length, nReturned: 0 } } }],
      }),
    };
  }

  find(filter: Document) {
    this.calls.push("find");
    let sortSpec: Record<string, 1 | -1> | null = null;
    let limitTo = 0;
    let skipped = 0;
    const cursor = {
      sort: (spec: Record<string, 1 | -1>) => {
        sortSpec = spec;
        return cursor;
      },
      skip: (n: number) => {
        skipped = n;
        return cursor;
      },
      limit: (n: number) => {
        limitTo = n;
        return cursor;
      },
      toArray: async () => {
        let c = find(this.docs, filter);
        if (sortSpec) c = c.sort(sortSpec);
        if (skipped > 0) c = c.skip(skipped);
        if (limitTo > 0) c = c.limit(limitTo);
        return (c.all() as Doc[]).map(copy);
      },
    };
    return cursor;
  }

  async findOne(filter: Document) {
    this.calls.push("findOne");
    const [first] = find(this.docs, filter).limit(1).all() as Doc[];
    return first === undefined ? null : copy(first);
  }

  async countDocuments(filter: Document) {
    this.calls.push("countDocuments");
    return find(this.docs, filter).all().length;
  }

  async insertOne(doc: Doc) {
    this.calls.push("insertOne");
    const stored = this.add(doc);
    if (stored instanceof Error) throw stored;
    return { insertedId: stored["_id"], acknowledged: true };
  }

  async insertMany(docs: Doc[], options: { ordered?: boolean }) {
    this.calls.push("insertMany");
    const writeErrors: { index: number; code: number; errmsg: string }[] = [];
    let insertedCount = 0;
    for (const [index, doc] of docs.entries()) {
      const stored = this.add(doc);
      if (stored instanceof Error) {
        writeErrors.push({ index, code: 11000, errmsg: stored.message });
        if (options.ordered !== false) break;
      } else insertedCount++;
    }
    if (writeErrors.length > 0) {
      throw Object.assign(new Error("E11000 duplicate key error"), {
        name: "MongoBulkWriteError",
        writeErrors,
        insertedCount,
      });
    }
    return { insertedCount, acknowledged: true };
  }

  async updateOne(filter: Document, change: Document) {
    this.calls.push("updateOne");
    const { matchedCount, modifiedCount } = updateOne(this.docs, filter, change);
    return { matchedCount, modifiedCount, acknowledged: true };
  }

  async findOneAndUpdate(filter: Document, change: Document, options: { upsert?: boolean }) {
    this.calls.push("findOneAndUpdate");
    const [match] = find(this.docs, filter).limit(1).all() as Doc[];
    if (match !== undefined) {
      update(match, change);
      return copy(match);
    }
    if (!options.upsert) return null;
    // An upsert inserts the filter's top-level equalities plus the update, like the server.
    const seed: Doc = {};
    for (const [k, v] of Object.entries(filter)) if (!k.startsWith("$")) seed[k] = v;
    update(seed, change);
    const stored = this.add(seed);
    if (stored instanceof Error) throw Object.assign(stored, { name: "MongoServerError" });
    return null;
  }

  async deleteOne(filter: Document) {
    this.calls.push("deleteOne");
    const [match] = find(this.docs, filter).limit(1).all() as Doc[];
    if (match === undefined) return { deletedCount: 0 };
    this.docs.splice(this.docs.indexOf(match), 1);
    return { deletedCount: 1 };
  }

  async deleteMany(filter: Document) {
    this.calls.push("deleteMany");
    const matches = find(this.docs, filter).all() as Doc[];
    for (const match of matches) this.docs.splice(this.docs.indexOf(match), 1);
    return { deletedCount: matches.length };
  }

  async createIndexes(specs: Doc[]) {
    this.calls.push("createIndexes");
    this.indexes.push(...specs);
    return specs.map((s) => JSON.stringify(s["key"]));
  }

  listIndexes() {
    return { toArray: async () => [{ key: { _id: 1 }, name: "_id_" }, ...this.indexes] };
  }

  private add(doc: Doc): Doc | Error {
    const stored = { _id: new ObjectId(), ...doc };
    if (doc["_id"] === undefined) doc["_id"] = stored["_id"];
    if (find(this.docs, { _id: stored["_id"] }).all().length > 0) {
      return Object.assign(new Error(`E11000 duplicate key error collection: ${this.collectionName}`), {
        code: 11000,
      });
    }
    this.docs.push(stored);
    return stored;
  }
}

export class FakeDb {
  readonly collections = new Map<string, FakeCollection>();
  constructor(readonly databaseName: string) {}

  collection(name: string): FakeCollection {
    let c = this.collections.get(name);
    if (c === undefined) {
      c = new FakeCollection(name);
      this.collections.set(name, c);
    }
    return c;
  }

  listCollections(filter: { name?: string }) {
    const names = [...this.collections.keys()].filter((n) => filter.name === undefined || n === filter.name);
    return { toArray: async () => names.map((name) => ({ name, type: "collection", options: {} })) };
  }

  admin() {
    return {
      command: async (cmd: Document) => {
        if ("buildInfo" in cmd) return { version: "0.0.0-fake", ok: 1 };
        if ("hello" in cmd) return { isWritablePrimary: true, ok: 1 };
        if ("connectionStatus" in cmd)
          return { authInfo: { authenticatedUsers: [], authenticatedUserPrivileges: [] }, ok: 1 };
        return { ok: 1 };
      },
    };
  }
}

/** A client whose databases live in memory; `closed` tells whether the store closed it. */
export function fakeClient(): { client: MongoClient; dbs: Map<string, FakeDb>; closed: () => boolean } {
  const dbs = new Map<string, FakeDb>();
  let closed = false;
  const client = {
    db(name: string) {
      let db = dbs.get(name);
      if (db === undefined) {
        db = new FakeDb(name);
        dbs.set(name, db);
      }
      return db;
    },
    async close() {
      closed = true;
    },
  };
  return { client: client as unknown as MongoClient, dbs, closed: () => closed };
}

export const bson = { Decimal128, ObjectId };

function copy(doc: Doc): Doc {
  return { ...doc };
}
