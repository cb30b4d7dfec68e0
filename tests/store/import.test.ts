// `capbot import`: NDJSON and JSON arrays, MongoDB Extended JSON v2 in canonical and relaxed form, a
// broken document named by file and line with nothing of that file kept, bad values kept as data.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { CapbotError } from "../../src/errors.js";
import { ImportError, importFile } from "../../src/importer.js";
import { decodeExtendedJson, parseExtendedJson, stringifyExtendedJson } from "../../src/store/ejson.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import type { Store } from "../../src/store/port.js";

const root = mkdtempSync(join(tmpdir(), "capbot-import-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
function file(name: string, text: string): string {
  const path = join(root, `${seq++}-${name}`);
  writeFileSync(path, text);
  return path;
}

const QUERY = {
  granularity: "1h",
  from: new Date("2023-01-15T00:00:00Z"),
  to: new Date("2023-01-16T00:00:00Z"),
};

const canonical = JSON.stringify({
  _id: { $oid: "63c3541a9f1b2c0012345678" },
  timestamp: { $date: { $numberLong: "1673744400000" } },
  market_id: "okx-ltc-usdt-f",
  marketVenue: "okx",
  pair_symbol: "ltc",
  pair_base: "usdt",
  granularity: "1h",
  close: { $numberDouble: "86.86" },
  volume: { $numberLong: "8968" },
});
const relaxed = JSON.stringify({
  _id: { $oid: "63c3541a9f1b2c0012345679" },
  timestamp: { $date: "2023-01-15T02:00:00Z" },
  marketVenue: "okx",
  pair_symbol: "ltc",
  pair_base: "usdt",
  granularity: "1h",
  close: 87,
  volume: { $numberDecimal: "1000.5" },
});
const badValue = JSON.stringify({
  timestamp: { $date: "2023-01-15T03:00:00Z" },
  marketVenue: "okx",
  pair_symbol: "ltc",
  pair_base: "usdt",
  granularity: "1h",
  close: "86",
  volume: { $numberDouble: "NaN" },
});

let store: Store;
beforeEach(async () => {
  store = await openEmbeddedStore(mkdtempSync(join(root, "store-")));
});
afterEach(async () => {
  await store.close();
});

describe("Extended JSON", () => {
  it("reads canonical and relaxed wrappers into plain values", () => {
    expect(
      decodeExtendedJson({
        a: { $date: { $numberLong: "1673744400000" } },
        b: { $date: "2023-01-15T01:00:00Z" },
        c: { $oid: "63C3541A9F1B2C0012345678" },
        d: { $numberLong: "42" },
        e: { $numberInt: "-7" },
        f: { $numberDouble: "1.5" },
        g: [{ $numberDouble: "Infinity" }, { $numberDouble: "-Infinity" }],
        h: { $numberDecimal: "86.86" },
        i: { $numberLong: "1603458123456789504" },
        j: { nested: { $date: 0 } },
      }),
    ).toEqual({
      a: new Date("2023-01-15T01:00:00Z"),
      b: new Date("2023-01-15T01:00:00Z"),
      c: "63c3541a9f1b2c0012345678",
      d: 42,
      e: -7,
      f: 1.5,
      g: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      h: { $numberDecimal: "86.86" },
      i: 1603458123456789504n,
      j: { nested: new Date(0) },
    });
  });

  it("$numberDouble NaN becomes NaN, which the validity rule then rejects", () => {
    expect(parseExtendedJson('{"v":{"$numberDouble":"NaN"}}')).toEqual({ v: Number.NaN });
  });

  it("keeps unreadable and unknown wrappers as they are", () => {
    const doc = {
      a: { $date: "not a date" },
      b: { $oid: "xyz" },
      c: { $binary: { base64: "", subType: "00" } },
    };
    expect(decodeExtendedJson(structuredClone(doc))).toEqual(doc);
  });

  it("what the store writes reads back to the same values", () => {
    const doc = {
      t: new Date("2023-01-15T01:00:00Z"),
      n: Number.NaN,
      i: Number.NEGATIVE_INFINITY,
      b: 2n ** 70n,
      d: { $numberDecimal: "1.5" },
      s: ["x", 1],
    };
    expect(parseExtendedJson(stringifyExtendedJson(doc))).toEqual(doc);
  });
});

describe("importFile", () => {
  it("imports NDJSON in canonical and relaxed Extended JSON, skipping blank lines", async () => {
    const path = file("candles.ndjson", `${canonical}\n\n   \n${relaxed}\r\n${badValue}\n`);
    expect(await importFile(path, "ohlcv", store)).toEqual({ file: path, count: 3 });
    const snapshot = await store.snapshot(QUERY);
    expect(snapshot.markets).toEqual([
      {
        pair: "LTC-USDT",
        symbol: "LTC",
        base: "USDT",
        venue: "okx",
        volume: 8968 + 1000.5,
        notional: 8968 * 86.86 + 1000.5 * 87,
        candles: 2,
      },
    ]);
    // The candle with a NaN volume was kept as data, and the run skips and counts it.
    expect(snapshot.skippedCandles).toBe(1);
    expect(await store.countCandles()).toBe(3);
  });

  it("imports a JSON array laid out over many lines", async () => {
    const pretty = JSON.stringify([JSON.parse(canonical), JSON.parse(relaxed)], null, 2);
    const path = file("candles.json", `\uFEFF  ${pretty}\n`);
    expect((await importFile(path, "ohlcv", store)).count).toBe(2);
    expect((await store.snapshot(QUERY)).markets[0]?.candles).toBe(2);
  });

  it("an empty file or an empty array imports nothing", async () => {
    expect((await importFile(file("empty.ndjson", "\n\n"), "ohlcv", store)).count).toBe(0);
    expect((await importFile(file("empty.json", " [ ] "), "ohlcv", store)).count).toBe(0);
  });

  it("a line that is not JSON stops that file with its line number, and nothing of it is kept", async () => {
    const path = file("broken.ndjson", `${canonical}\n${relaxed}\n\n{"timestamp": oops}\n${badValue}\n`);
    const error = await importFile(path, "ohlcv", store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toBeInstanceOf(CapbotError);
    expect((error as ImportError).exitCode).toBe(1);
    expect((error as Error).message).toContain(`${path} line 4:`);
    expect(await store.countCandles()).toBe(0);
  });

  it("a store without transactions gets a checking first pass, and keeps nothing either", async () => {
    const batches: number[] = [];
    const twoPass = {
      insertCandles: (docs: Record<string, unknown>[]) => {
        batches.push(docs.length);
        return store.insertCandles(docs);
      },
    } as unknown as Store;
    const broken = file("broken-two-pass.ndjson", `${canonical}\n${relaxed}\nnot json\n`);
    await expect(importFile(broken, "ohlcv", twoPass)).rejects.toThrow(`${broken} line 3:`);
    expect(batches).toEqual([]);
    const good = file("good-two-pass.ndjson", `${canonical}\n${relaxed}\n`);
    expect((await importFile(good, "ohlcv", twoPass)).count).toBe(2);
    expect(batches).toEqual([2]);
    expect(await store.countCandles()).toBe(2);
  });

  it("a broken element of a JSON array is named by the line it starts on", async () => {
    const text = `[\n  ${canonical},\n  {\n    "a": 1,\n    "b": nope\n  }\n]\n`;
    const path = file("broken.json", text);
    await expect(importFile(path, "ohlcv", store)).rejects.toThrow(`${path} line 3:`);
    expect(await store.countCandles()).toBe(0);
  });

  it.each([
    ["a trailing comma", `[${canonical},]`],
    ["an unclosed array", `[${canonical}`],
    ["text after the array", `[${canonical}] x`],
    ["a value that is not an object", `[${canonical}, 5]`],
  ])("a JSON array with %s is refused", async (_what, text) => {
    await expect(importFile(file("bad.json", text), "ohlcv", store)).rejects.toThrow(ImportError);
    expect(await store.countCandles()).toBe(0);
  });

  it("a line holding something other than one object is refused", async () => {
    const path = file("array-line.ndjson", `${canonical}\n[1, 2]\n`);
    await expect(importFile(path, "ohlcv", store)).rejects.toThrow(`${path} line 2: expected a JSON object`);
  });

  it("a missing file is an ImportError naming it", async () => {
    const path = join(root, "absent.ndjson");
    await expect(importFile(path, "ohlcv", store)).rejects.toThrow(ImportError);
    await expect(importFile(path, "ohlcv", store)).rejects.toThrow(path);
  });

  it("stores in batches and reports progress after each", async () => {
    const lines = Array.from({ length: 12_001 }, (_, i) =>
      JSON.stringify({
        timestamp: { $date: new Date(Date.UTC(2023, 0, 15, 1) + i).toISOString() },
        granularity: "1h",
        volume: String(i),
      }),
    );
    const seen: number[] = [];
    const result = await importFile(file("many.ndjson", lines.join("\n")), "ohlcv", store, (done) =>
      seen.push(done),
    );
    expect(result.count).toBe(12_001);
    expect(seen).toEqual([5_000, 10_000, 12_001]);
    expect(await store.countCandles()).toBe(12_001);
  });

  it("§1 imports legacy posts: ObjectIds, array pairs, a 64-bit tweet id kept to the digit", async () => {
    const posts = [
      {
        _id: { $oid: "63987a3c0000000000000001" },
        time: { $date: "2022-12-13T12:21:00Z" },
        pair: "LINK-USDT",
        tweet_text: "t",
      },
      {
        _id: { $oid: "63987a3c0000000000000002" },
        time: { $date: { $numberLong: "1671020460000" } },
        pair: ["ETH-USDT"],
        tweet_text: "t",
        tweet_id: { $numberLong: "1603458123456789504" },
      },
    ];
    const path = file("posts.ndjson", posts.map((p) => JSON.stringify(p)).join("\n"));
    expect((await importFile(path, "posts", store)).count).toBe(2);
    expect(await store.postStates("x")).toEqual([
      {
        pair: "ETH-USDT",
        lastPostedAt: new Date(1671020460000),
        lastText: "t",
        threadTip: "1603458123456789504",
        tipThread: null,
      },
      {
        pair: "LINK-USDT",
        lastPostedAt: new Date("2022-12-13T12:21:00Z"),
        lastText: "t",
        threadTip: null,
        tipThread: null,
      },
    ]);
    expect((await store.history({ limit: 5 })).map((p) => p.id)).toEqual([
      "63987a3c0000000000000002",
      "63987a3c0000000000000001",
    ]);
  });
});
