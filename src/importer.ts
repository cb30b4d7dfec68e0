// `capbot import FILE --into ohlcv|posts`: NDJSON or one JSON array, MongoDB Extended JSON v2 allowed
// (what `mongoexport` writes). A file is streamed, so a large one never sits in memory, and stored in
// batches; a file with one broken line stores nothing (one transaction, or a checking first pass).
// Input is bounded and exact: regular files only, documents of at most 1 MiB and 100 levels, UTF-8 only,
// and an error quotes at most a short, escaped excerpt of the file, never its raw bytes.

import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { RawCandle } from "./core/types.js";
import { CapbotError, ConfigError } from "./errors.js";
import { scrub } from "./secrets.js";
import { parseExtendedJson } from "./store/ejson.js";
import type { Store } from "./store/port.js";

/** A file that cannot be imported (unreadable, or a document that is not JSON): exit code 1. */
export class ImportError extends CapbotError {}

const BATCH = 5_000;

/** The longest line (or JSON-array element) read, in bytes: a candle or a post takes a few hundred. */
export const MAX_DOCUMENT_BYTES = 1 << 20;
/** MongoDB's own limit of nesting: a deeper document could never be stored there. */
export const MAX_DEPTH = 100;
/** The longest excerpt of a document an error message quotes, in characters. */
const EXCERPT = 60;
const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** What JSON.stringify leaves as it is but a terminal acts on or hides: C1 controls, bidi and format marks. */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

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
  let rest: Buffer = EMPTY;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    const bytes = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    const end = bytes.lastIndexOf(NEWLINE);
    if (end === -1) {
      rest = bytes;
    } else {
      const whole = bytes.subarray(0, end);
      checkLines(whole, line + 1, path);
      for (const raw of whole.toString("utf8").split("\n")) {
        line++;
        const found = lineAt(raw, line);
        if (found !== null) yield found;
      }
      rest = bytes.subarray(end + 1);
    }
    // An unfinished line already over the limit is refused before the rest of it is read.
    if (rest.length > MAX_DOCUMENT_BYTES) throw tooLong(path, line + 1);
  }
  checkLines(rest, line + 1, path);
  const last = lineAt(rest.toString("utf8"), line + 1);
  if (last !== null) yield last;
}

/** Whole lines of bytes starting at line `first`: each within the limit and valid UTF-8. */
function checkLines(bytes: Buffer, first: number, file: string): void {
  if (bytes.length <= MAX_DOCUMENT_BYTES && isUtf8(bytes)) return;
  // Rare: find the line at fault.
  let line = first;
  for (let start = 0; start <= bytes.length; line++) {
    const found = bytes.indexOf(NEWLINE, start);
    const end = found === -1 ? bytes.length : found;
    if (end - start > MAX_DOCUMENT_BYTES) throw tooLong(file, line);
    if (!isUtf8(bytes.subarray(start, end))) throw notUtf8(file, line);
    start = end + 1;
  }
}

function lineAt(raw: string, line: number): Located | null {
  let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
  return text.trim() === "" ? null : { text, line };
}

/**
 * A JSON array, element by element: a small scanner finds where each top-level element ends (outside
 * strings, at depth 0), so the array can be as large as the disk allows and any layout works. It reads
 * bytes: JSON's structure is ASCII, and no byte of a multi-byte UTF-8 character is.
 */
async function* arrayDocuments(path: string): AsyncGenerator<Located> {
  let opened = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let startLine = 0;
  let elements = 0;
  let first = true;

  const fail = (what: string): ImportError => failure(path, line, what);
  // The element read so far, from its first byte that is not a space: the space between elements is
  // never kept, however much of it there is.
  const element = (): Located | null => {
    if (startLine === 0) return null;
    const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    parts = [];
    size = 0;
    if (!isUtf8(bytes)) throw notUtf8(path, startLine);
    return { text: bytes.toString("utf8"), line: startLine };
  };

  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    let from = 0;
    // A byte-order mark before the array.
    if (first && chunk.subarray(0, 3).equals(BOM)) from = 3;
    first = false;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (c === NEWLINE) line++;
      if (!opened) {
        if (c === 0x5b) {
          opened = true;
          from = i + 1;
        } else if (!isSpace(c)) throw fail("expected a JSON array");
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
      if (startLine === 0 && !isSpace(c) && c !== 0x2c && c !== 0x5d) {
        startLine = line;
        from = i;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > MAX_DEPTH) throw failure(path, startLine, tooDeep());
      } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
      else if (depth === 0 && (c === 0x2c || c === 0x5d)) {
        if (startLine !== 0) {
          if (size + i - from > MAX_DOCUMENT_BYTES) throw tooLong(path, startLine, "element");
          parts.push(chunk.subarray(from, i));
        }
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
    if (startLine !== 0 && !closed) {
      parts.push(chunk.subarray(from));
      size += chunk.length - from;
      if (size > MAX_DOCUMENT_BYTES) throw tooLong(path, startLine, "element");
    }
  }
  if (!closed) throw fail(opened ? "the JSON array is not closed" : "expected a JSON array");
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function failure(file: string, line: number, what: string): ImportError {
  return new ImportError(`${file} line ${line}: ${what}`);
}

function tooLong(file: string, line: number, what = "line"): ImportError {
  return failure(
    file,
    line,
    `the ${what} is longer than ${MAX_DOCUMENT_BYTES / (1 << 20)} MiB, the most one document may take`,
  );
}

function notUtf8(file: string, line: number): ImportError {
  return failure(file, line, "not valid UTF-8 text (save the file as UTF-8)");
}

function tooDeep(): string {
  return `nested too deeply (more than ${MAX_DEPTH} levels)`;
}

/** More than {@link MAX_DEPTH} levels of objects and arrays, counted outside strings. */
function nestedTooDeeply(text: string): boolean {
  // Cheap first: a document cannot be deeper than its number of opening brackets.
  let openers = 0;
  for (let i = text.indexOf("{"); i !== -1 && openers <= MAX_DEPTH; i = text.indexOf("{", i + 1)) openers++;
  for (let i = text.indexOf("["); i !== -1 && openers <= MAX_DEPTH; i = text.indexOf("[", i + 1)) openers++;
  if (openers <= MAX_DEPTH) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Part of a document for an error message: at most {@link EXCERPT} characters around where the parser
 * stopped, with credentials scrubbed and control characters and terminal escapes written as JSON escapes,
 * so that a message never carries a file's raw bytes to the terminal.
 */
function excerpt(raw: string, position: number | null): string {
  // Scrubbed whole, before it is cut: a credential's name may lie outside the excerpt.
  const text = scrub(raw);
  const start = position === null ? 0 : Math.max(0, Math.min(position, text.length) - EXCERPT / 2);
  const part = text.slice(start, start + EXCERPT);
  const shown = JSON.stringify(part).replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `${start > 0 ? "…" : ""}${shown}${start + EXCERPT < text.length ? "…" : ""}`;
}

/** The document of one line or element; `decode` false only checks it (the first pass). */
function parseDocument(doc: Located, file: string, decode: boolean): Doc {
  if (nestedTooDeeply(doc.text)) throw failure(file, doc.line, tooDeep());
  let value: unknown;
  try {
    value = decode ? parseExtendedJson(doc.text, true) : JSON.parse(doc.text);
  } catch (err) {
    // The line a document starts on: V8 does not always say where in the text its error is. Its message
    // quotes the text raw, so it is never shown.
    if (!doc.text.trimStart().startsWith("{")) {
      throw failure(
        file,
        doc.line,
        "not JSON (capbot import reads NDJSON, one JSON object per line, or a JSON array)",
      );
    }
    const at = /at position (\d+)/.exec((err as Error).message);
    throw failure(file, doc.line, `not valid JSON near ${excerpt(doc.text, at ? Number(at[1]) : null)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw failure(file, doc.line, "expected a JSON object (one document)");
  }
  return value as Doc;
}

async function* documents(path: string, decode: boolean): AsyncGenerator<Doc> {
  const first = await firstCharacter(path);
  if (first === null) return;
  const located = first === "[" ? arrayDocuments(path) : ndjsonDocuments(path);
  for await (const doc of located) yield parseDocument(doc, path, decode);
}

/**
 * Only a regular file is read: a device (`/dev/zero`), a FIFO or a folder would be read forever, block, or
 * fail half way. Refused at once as a usage error (exit 2), like a bad flag.
 */
async function regularFile(path: string): Promise<void> {
  let kind: string;
  try {
    const found = await stat(path);
    if (found.isFile()) return;
    kind = found.isDirectory()
      ? "a folder"
      : found.isFIFO()
        ? "a named pipe"
        : found.isSocket()
          ? "a socket"
          : "a device";
  } catch (err) {
    throw unreadable(path, err);
  }
  throw new ConfigError(`${path} is ${kind}, not a file: capbot import reads regular files only.`);
}

function unreadable(path: string, err: unknown): ImportError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT"
      ? "it does not exist"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : ((err as Error).message ?? String(err));
  return new ImportError(`${path} cannot be read: ${why}.`, { cause: err });
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
  await regularFile(path);
  try {
    if (store.atomically) return await store.atomically(() => writeAll(path, into, store, progress));
    for await (const doc of documents(path, false)) void doc;
    return await writeAll(path, into, store, progress);
  } catch (err) {
    if (err instanceof CapbotError) throw err;
    throw unreadable(path, err);
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
