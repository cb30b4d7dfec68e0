// Reading the server's answers for `capbot doctor`, on answers shaped as servers really give them.
import { describe, expect, it } from "vitest";
import {
  explainSummary,
  failedCheck,
  freshness,
  missingActions,
  topologyOf,
  wasteful,
  writableCheck,
} from "../../src/store/mongo-doctor.js";

/** MongoDB 6/7 classic engine: the query stage is the pipeline's `$cursor`. */
const classicCollscan = {
  stages: [
    {
      $cursor: {
        queryPlanner: { winningPlan: { stage: "PROJECTION_SIMPLE", inputStage: { stage: "COLLSCAN" } } },
        executionStats: { nReturned: 2400, totalKeysExamined: 0, totalDocsExamined: 480000 },
      },
    },
    { $facet: {} },
  ],
};

/** SBE: the whole pipeline pushed down; executionStats at the top. */
const sbeIndexed = {
  queryPlanner: {
    winningPlan: {
      queryPlan: {
        stage: "GROUP",
        inputStage: {
          stage: "FETCH",
          inputStage: { stage: "IXSCAN", indexName: "granularity_1_timestamp_1" },
        },
      },
    },
    rejectedPlans: [{ stage: "COLLSCAN" }],
  },
  executionStats: { nReturned: 2400, totalKeysExamined: 2400, totalDocsExamined: 2400 },
};

/** A sharded cluster: one explain per shard, summed. */
const sharded = {
  shards: {
    a: {
      stages: [
        {
          $cursor: {
            queryPlanner: { winningPlan: { stage: "COLLSCAN" } },
            executionStats: { nReturned: 10, totalDocsExamined: 900 },
          },
        },
      ],
    },
    b: {
      stages: [
        {
          $cursor: {
            queryPlanner: { winningPlan: { stage: "COLLSCAN" } },
            executionStats: { nReturned: 5, totalDocsExamined: 700 },
          },
        },
      ],
    },
  },
};

describe("explainSummary", () => {
  it("reads the classic $cursor stage and flags a full scan that keeps a fraction", () => {
    const s = explainSummary(classicCollscan);
    expect(s).toMatchObject({ examined: 480000, returned: 2400, plan: "COLLSCAN", indexes: [] });
    expect(wasteful(s)).toBe(true);
  });

  it("reads an SBE plan, ignores rejected plans, names the index used", () => {
    const s = explainSummary(sbeIndexed);
    expect(s).toMatchObject({ examined: 2400, keysExamined: 2400, returned: 2400, plan: "IXSCAN" });
    expect(s.indexes).toEqual(["granularity_1_timestamp_1"]);
    expect(wasteful(s)).toBe(false);
  });

  it("sums the shards", () => {
    expect(explainSummary(sharded)).toMatchObject({ examined: 1600, returned: 15, plan: "COLLSCAN" });
  });

  it("a small collection is never called wasteful", () => {
    expect(wasteful({ examined: 900, keysExamined: 0, returned: 1, plan: "COLLSCAN", indexes: [] })).toBe(
      false,
    );
  });
});

describe("missingActions", () => {
  const status = (privileges: unknown[], users = [{ user: "bot", db: "admin" }]) => ({
    authInfo: { authenticatedUsers: users, authenticatedUserPrivileges: privileges },
  });

  it("finds the actions granted on the collection, its database, or any database", () => {
    const s = status([
      { resource: { db: "metrics", collection: "posts_db" }, actions: ["find", "insert"] },
      { resource: { db: "", collection: "" }, actions: ["update"] },
    ]);
    expect(missingActions(s, "metrics", "posts_db", ["find", "insert", "update", "remove"])).toEqual([
      "posts_db:remove",
    ]);
  });

  it("a grant on another database or collection does not count", () => {
    const s = status([
      { resource: { db: "other", collection: "" }, actions: ["insert", "update"] },
      { resource: { db: "metrics", collection: "ohlcv_db" }, actions: ["insert", "update"] },
      { resource: { cluster: true }, actions: ["insert"] },
    ]);
    expect(missingActions(s, "metrics", "posts_db", ["insert", "update"])).toEqual([
      "posts_db:insert",
      "posts_db:update",
    ]);
  });

  it("anyResource covers everything", () => {
    const s = status([{ resource: { anyResource: true }, actions: ["insert", "update"] }]);
    expect(missingActions(s, "metrics", "posts_db", ["insert", "update"])).toEqual([]);
  });
});

describe("topologyOf", () => {
  it("tells a replica set, a mongos and a standalone apart", () => {
    expect(topologyOf({ setName: "atlas-abc-shard-0", isWritablePrimary: true })).toBe(
      "replica set atlas-abc-shard-0",
    );
    expect(topologyOf({ msg: "isdbgrid" })).toBe("sharded cluster (mongos)");
    expect(topologyOf({ isWritablePrimary: true })).toBe("standalone server");
  });
});

describe("freshness", () => {
  const now = new Date("2024-05-01T12:00:00Z");
  const hour = 3_600_000;

  it("§3 stale data: older than maxDataAge is a failing line with exit 3 that gives the age", () => {
    const check = freshness(new Date(now.getTime() - 5 * hour - 12 * 60_000), "1h", 3 * hour, now);
    expect(check).toMatchObject({ ok: false, exitCode: 3, fix: expect.stringContaining("--max-data-age") });
    expect(check.detail).toBe(
      "the newest valid 1h candle (2024-05-01T06:48:00.000Z) is 5h 12m old at 2024-05-01T12:00:00.000Z, over the limit of 3h",
    );
  });

  it("§3 exactly maxDataAge old is still fresh; a millisecond more is stale", () => {
    expect(freshness(new Date(now.getTime() - 3 * hour), "1h", 3 * hour, now).ok).toBe(true);
    expect(freshness(new Date(now.getTime() - 3 * hour - 1), "1h", 3 * hour, now).ok).toBe(false);
  });

  it("§3 --max-data-age off: any age passes", () => {
    const check = freshness(new Date(now.getTime() - 30 * 24 * hour), "1h", null, now);
    expect(check).toEqual({
      name: "data freshness",
      ok: true,
      detail:
        "the newest valid 1h candle (2024-04-01T12:00:00.000Z) is 30d old at 2024-05-01T12:00:00.000Z; the age check is off",
    });
  });

  it("§3 no candle at all fails with exit 3, with the age check on or off (a run has nothing to post)", () => {
    for (const maxDataAgeMs of [3 * hour, null]) {
      expect(freshness(null, "1m", maxDataAgeMs, now)).toMatchObject({
        ok: false,
        exitCode: 3,
        detail: "no valid 1m candle before 2024-05-01T12:00:00.000Z",
      });
    }
  });
});

describe("failedCheck", () => {
  it("splits an error sentence into what happened and what to check", () => {
    const check = failedCheck(
      "store reachable",
      "MongoDB at 127.0.0.1:1 refused the connection: check MONGO_DB_ADDRESS (or MONGODB_URI) and that the server is running.",
      5,
    );
    expect(check).toEqual({
      name: "store reachable",
      ok: false,
      detail: "MongoDB at 127.0.0.1:1 refused the connection",
      fix: "check MONGO_DB_ADDRESS (or MONGODB_URI) and that the server is running",
      exitCode: 5,
    });
  });
});

describe("posts writable: what the user's roles allow", () => {
  const grant = (collection: string, actions: string[]) => ({
    resource: { db: "metrics", collection },
    actions,
  });
  function ctx(privileges: unknown[]) {
    const status = {
      authInfo: {
        authenticatedUsers: [{ user: "bot", db: "admin" }],
        authenticatedUserPrivileges: privileges,
      },
    };
    const db = { databaseName: "metrics", admin: () => ({ command: async () => status }) };
    return {
      db: db as never,
      ohlcv: "ohlcv_db",
      posts: "posts_db",
      host: "cluster0.example.net",
      maxTimeMs: 1000,
      explain: String,
    };
  }
  const posts = grant("posts_db", ["find", "insert", "update", "createIndex"]);
  const locks = grant("capbot_locks", ["find", "insert", "update", "remove"]);

  it("§8 the posts, the lock and the runs record must all be writable; the fix names all three", async () => {
    const check = await writableCheck(ctx([posts, locks]));
    expect(check).toMatchObject({ ok: false, exitCode: 5 });
    expect(check.detail).toBe("the user lacks capbot_runs:find, capbot_runs:insert, capbot_runs:remove");
    expect(check.fix).toContain("metrics.posts_db, metrics.capbot_locks and metrics.capbot_runs");
  });

  it("with every right, it says what the user may write", async () => {
    const check = await writableCheck(
      ctx([posts, locks, grant("capbot_runs", ["find", "insert", "remove"])]),
    );
    expect(check).toMatchObject({
      ok: true,
      detail: "the user may write metrics.posts_db, metrics.capbot_locks and metrics.capbot_runs",
    });
  });
});
