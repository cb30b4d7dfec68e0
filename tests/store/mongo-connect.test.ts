// SPEC §9 exit 5: an unreachable server — a closed port, or a listener that accepts and never answers —
// ends openMongoStore within the configured timeout with one sentence naming the host, never the password.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { openMongoStore } from "../../src/store/mongo.js";
import { failedCheck } from "../../src/store/mongo-doctor.js";
import { startUnreachable, type Unreachable } from "./unreachable.js";

const PASSWORD = "fake-p@ss:w0rd/é";
const TIMEOUT_MS = 1500;
/** Generous: the point is "bounded by the setting", not a speed measurement. */
const BOUND_MS = TIMEOUT_MS + 3000;

let net: Unreachable;
let silentPort = 0;
let closedPort = 0;

beforeAll(async () => {
  net = await startUnreachable();
  ({ silentPort, closedPort } = net);
});

afterAll(() => {
  net.close();
});

function uriFor(port: number): string {
  return `mongodb://fake-user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/?directConnection=true`;
}

/** Every text an error could put in front of a person or a log: message, stack, causes, JSON. */
function everything(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause)
    parts.push(e.message, String(e.stack), JSON.stringify(e));
  return parts.join("\n");
}

async function openFailure(port: number): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await openMongoStore({
      uri: uriFor(port),
      db: "metrics",
      ohlcv: "ohlcv_db",
      posts: "posts_db",
      serverSelectionTimeoutMs: TIMEOUT_MS,
    });
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error("openMongoStore connected to a server that is not there");
}

describe.each([
  ["a closed port", () => closedPort, /refused the connection: check MONGO_DB_ADDRESS/],
  ["a listener that never answers", () => silentPort, /did not answer within 1\.5 s: check MONGO_DB_ADDRESS/],
])("§9 store unreachable: %s", (_name, port, sentence) => {
  let failure: { err: unknown; ms: number };
  beforeAll(async () => {
    failure = await openFailure(port());
  });

  it("rejects within the timeout with a StoreError (exit 5) naming the host and what to check", () => {
    const { err, ms } = failure;
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).exitCode).toBe(5);
    expect((err as StoreError).message).toContain(`MongoDB at 127.0.0.1:${port()}`);
    expect((err as StoreError).message).toMatch(sentence);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it("no secret in the message, stack or cause chain", () => {
    const text = everything(failure.err);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain("fake-p");
  });

  it("doctor shows it as a failing 'store reachable' line with the fix", () => {
    const { err } = failure;
    const check = failedCheck("store reachable", (err as StoreError).message, (err as StoreError).exitCode);
    expect(check.ok).toBe(false);
    expect(check.exitCode).toBe(5);
    expect(check.detail).toContain(`127.0.0.1:${port()}`);
    expect(check.fix).toMatch(/^check MONGO_DB_ADDRESS/);
  });
});
