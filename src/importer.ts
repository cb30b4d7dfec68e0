// `capbot import FILE --into ohlcv|posts`: NDJSON or one JSON array, MongoDB Extended JSON v2 allowed
// (what `mongoexport` writes). A file is streamed, so a large one never sits in memory, and stored in
// batches; a file with one broken line stores nothing (one transaction, or a checking first pass).

import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { RawCandle } from "./core/types.js";
import { CapbotError } from "./errors.js";
import { parseExtendedJson } from "./store/ejson.js";
import type { Store } from "./store/port.js";

/** A file that cannot be imported (unreadable, or a document that is not JSON): exit code 1. */
export class ImportError extends CapbotError {}

const BATCH = 5_000;

type Doc = Record<string, unknown>;

/** One document of the file and the line it starts on. */
interface Located {
  text: string;
  line: number;
}

async function firstCharacter(path: string): Promise<string | null> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return null;
      const text = buffer
        .subarray(0, bytesRead)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
      const found = /\S/.exec(text);
      if (found) return found[0];
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** NDJSON: one document per line (LF or CRLF); blank lines are ignored. Split by hand: readline is slower. */
async function* ndjsonDocuments(path: string): AsyncGenerator<Located> {
  let line = 0;
  let rest = "";
  const stream = createReadStream(path, {
    encoding: "utf8",
    highWaterMark: 1 << 20,
  }) as AsyncIterable<string>;
  for await (const chunk of stream) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      line++;
      const found = lineAt(text.slice(start, end), line);
      if (found !== null) yield found;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  const last = lineAt(rest, line + 1);
  if (last !== null) yield last;
}

function lineAt(raw: string, line: number): Located | null {
  let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
  return text.trim() === "" ? null : { text, line };
}

/**
 * A JSON array, element by element: a small scanner finds where each top-level element ends (outside
 * strings, at depth 0), so the array can be as large as the disk allows and any layout works.
 */
async function* arrayDocuments(path: string, file: string): AsyncGenerator<Located> {
  let opened = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let parts: string[] = [];
  let startLine = 0;
  let elements = 0;

  const fail = (what: string): ImportError => new ImportError(`${file} line ${line}: ${what}`);
  const element = (): Located | null => {
    const text = parts.join("");
    parts = [];
    if (text.trim() === "") return null;
    return { text, line: startLine };
  };

  for await (const chunk of createReadStream(path, "utf8") as AsyncIterable<string>) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (!opened) {
        if (c === 0x5b) {
          opened = true;
          from = i + 1;
        } else if (!isSpace(c) && c !== 0xfeff) throw fail("expected a JSON array");
        continue;
      }
      if (closed) {
        if (!isSpace(c)) throw fail("unexpected text after the end of the JSON array");
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (startLine === 0 && !isSpace(c) && c !== 0x2c && c !== 0x5d) startLine = line;
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
      else if (depth === 0 && (c === 0x2c || c === 0x5d)) {
        parts.push(chunk.slice(from, i));
        from = i + 1;
        const found = element();
        // `[]` is an empty file; `[,` or `,,` or a trailing `,]` is not JSON.
        if (found === null && (c === 0x2c || elements > 0)) throw fail("empty element in the JSON array");
        if (found !== null) {
          elements++;
          yield found;
        }
        startLine = 0;
        if (c === 0x5d) closed = true;
      }
    }
    if (opened && !closed) parts.push(chunk.slice(from));
  }
  if (!closed) throw fail(opened ? "the JSON array is not closed" : "expected a JSON array");
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The document of one line or element; `decode` false only checks it (the first pass). */
function parseDocument(doc: Located, file: string, decode: boolean): Doc {
  let value: unknown;
  try {
    value = decode ? parseExtendedJson(doc.text, true) : JSON.parse(doc.text);
  } catch (err) {
    // The line a document starts on: V8 does not always say where in the text its error is.
    throw new ImportError(`${file} line ${doc.line}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ImportError(`${file} line ${doc.line}: expected a JSON object (one document)`);
  }
  return value as Doc;
}

async function* documents(path: string, decode: boolean): AsyncGenerator<Doc> {
  const first = await firstCharacter(path);
  if (first === null) return;
  const located = first === "[" ? arrayDocuments(path, path) : ndjsonDocuments(path);
  for await (const doc of located) yield parseDocument(doc, path, decode);
}

/**
 * Imports one file into the store's candles (`ohlcv`) or posts. Candles with bad values are kept (they
 * are data; runs skip and count them). Throws ImportError naming the file and line of the first
 * document that is not JSON, and nothing of that file is stored: in one transaction when the store
 * offers one, else after a first pass that checks every document.
 */
export async function importFile(
  path: string,
  into: "ohlcv" | "posts",
  store: Store,
  progress?: (done: number) => void,
): Promise<{ file: string; count: number }> {
  try {
    if (store.atomically) return await store.atomically(() => writeAll(path, into, store, progress));
    for await (const doc of documents(path, false)) void doc;
    return await writeAll(path, into, store, progress);
  } catch (err) {
    if (err instanceof CapbotError) throw err;
    throw new ImportError(`${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads the file and stores its documents in batches. */
async function writeAll(
  path: string,
  into: "ohlcv" | "posts",
  store: Store,
  progress: ((done: number) => void) | undefined,
): Promise<{ file: string; count: number }> {
  const insert = (batch: Doc[]): Promise<number> =>
    into === "ohlcv" ? store.insertCandles(batch as RawCandle[]) : store.insertPosts(batch);
  let count = 0;
  let batch: Doc[] = [];
  for await (const doc of documents(path, true)) {
    batch.push(doc);
    if (batch.length === BATCH) {
      count += await insert(batch);
      batch = [];
      progress?.(count);
    }
  }
  if (batch.length > 0) {
    count += await insert(batch);
    progress?.(count);
  }
  return { file: path, count };
}
