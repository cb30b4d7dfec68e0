// Opening the embedded store's SQLite file: made whole under a temporary name before it is linked into
// place (so the store's name only ever names a capbot store), a foreign or empty file refused and never
// overwritten, a read-only open that writes nothing (a killed writer's journal aside), and SQLite's
// failures turned into sentences.

import { randomBytes } from "node:crypto";
import { closeSync, existsSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type DatabaseModule from "better-sqlite3";
import { dataDirProblem } from "../data-dir.js";
import { StoreError } from "../errors.js";
import { fileErrorReason } from "../file-errors.js";
import { FORMAT_VERSION, formatVersion, migrate } from "./embedded-schema.js";

/**
 * better-sqlite3 is CommonJS: required, not imported, so that Node does not scan its source for named
 * exports before every run (cjs-module-lexer: a few milliseconds of a dry run's start).
 */
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof DatabaseModule;
export type Database = DatabaseModule.Database;

/**
 * A read-only connection. A process killed in the middle of a write leaves a hot journal that only a
 * writer may roll back: one read-write open restores the last committed state (what any writer would
 * do first), then the store is opened read-only as asked. Nothing new is ever written.
 */
function openReadonly(file: string): Database {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    db.pragma("user_version", { simple: true });
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== "SQLITE_READONLY_ROLLBACK") throw err;
  }
  const recover = new Database(file, { fileMustExist: true, timeout: 10_000 });
  recover.pragma("user_version", { simple: true });
  recover.close();
  return new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
}

export function openDatabase(dir: string, file: string, readonly: boolean): Database {
  const problem = dataDirProblem(dir);
  if (problem !== null) throw new StoreError(problem);
  if (readonly) {
    // Nothing to read yet: an empty in-memory store answers, and nothing is created on disk.
    if (!existsSync(file)) return withSchema(new Database(":memory:"), file);
    const db = openReadonly(file);
    const found = formatVersion(db);
    if (found === FORMAT_VERSION) return db;
    db.close();
    if (found === 0) throw notCapbotStore(file);
    throw new StoreError(
      `${file} has format version ${found} and this capbot reads ${FORMAT_VERSION}: run a command that writes (capbot run) once to move it forward.`,
    );
  }
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) createDatabase(file);
  const db = new Database(file, { fileMustExist: true, timeout: 10_000 });
  try {
    // A rollback journal with a full sync at every commit: a kill -9 or power cut loses no acknowledged
    // write. Not WAL: a read-only open of a WAL database creates -wal and -shm files, and a dry run
    // must write nothing anywhere.
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = FULL");
    // Every store capbot makes has a format version from the moment its name exists (createDatabase).
    if (formatVersion(db) === 0) throw notCapbotStore(file);
  } catch (err) {
    db.close();
    throw err;
  }
  return withSchema(db, file);
}

/**
 * A new store is made whole under a temporary name and then linked into place, so that `capbot.sqlite`
 * only ever names a capbot store: an empty or foreign file there is never mistaken for a new store (and
 * filled with demo data). Two processes creating it at once: the first link wins, the other uses it.
 */
function createDatabase(file: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const db = new Database(temp);
    try {
      db.pragma("journal_mode = DELETE");
      db.pragma("synchronous = FULL");
      migrate(db, file);
    } finally {
      db.close();
    }
    linkInto(temp, file);
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}-journal`, { force: true });
  }
}

/** Gives `temp` the name `file` unless that exists; a file system without hard links gets a rename. */
function linkInto(temp: string, file: string): void {
  try {
    linkSync(temp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw err;
    if (!existsSync(file)) renameSync(temp, file);
  }
}

/** A file at the store's name that capbot did not make: refused, never overwritten nor filled. */
export function notCapbotStore(file: string, notSqlite = false): StoreError {
  const empty = !notSqlite && statSync(file).size === 0;
  const what = empty
    ? "it is empty (0 bytes)"
    : notSqlite
      ? "it is not an SQLite database"
      : "it is an SQLite database of another program";
  const fix = empty
    ? "if a first run was stopped while creating it, remove it; else point CAPBOT_DATA_DIR at another folder"
    : "move it away, or point CAPBOT_DATA_DIR at another folder";
  return new StoreError(`${file} is not a capbot store (${what}), and capbot never overwrites it: ${fix}.`);
}

function withSchema(db: Database, file: string): Database {
  try {
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * SQLite's reason for a failure. "unable to open database file" does not say why; when the cause is that
 * this process has used up its file descriptors (a server holding many connections), say that instead.
 */
export function reasonOf(err: unknown): string {
  const reason = fileErrorReason(err);
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !/^SQLITE_(CANTOPEN|IOERR)/.test(code) || !outOfDescriptors())
    return reason;
  return `${reason}: this process has too many open files (raise its limit, ulimit -n or systemd's LimitNOFILE, or find what holds them)`;
}

function outOfDescriptors(): boolean {
  try {
    closeSync(openSync("/dev/null", "r"));
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EMFILE" || code === "ENFILE";
  }
}
