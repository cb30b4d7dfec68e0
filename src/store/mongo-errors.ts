// Turns whatever the MongoDB driver throws into one sentence for a person: which host, what went
// wrong, what to check (SPEC §9: exit 5, never the password). The driver's own text is scrubbed
// before any of it is kept, and the driver's error object is never attached (its fields may hold the URI).

import { formatSeconds } from "../core/duration.js";
import { CapbotError, ConfigError, StoreError } from "../errors.js";
import { describeHost, scrubSecrets } from "./mongo-uri.js";

export interface MongoErrorContext {
  uri: string;
  /** The server selection timeout, named in "did not answer within …". */
  timeoutMs: number;
}

const AUTH_FAILED = /auth(?:entication)? failed|bad auth|AuthenticationFailed|SCRAM/i;

/** A driver failure as a StoreError (ConfigError for a malformed connection string); CapbotErrors pass through. */
export function mongoError(err: unknown, context: MongoErrorContext): CapbotError {
  if (err instanceof CapbotError) return err;
  const host = describeHost(context.uri);
  const name = errorName(err);
  const code = errorCode(err);
  const text = scrubSecrets(fullText(err), context.uri);
  const detail = new Error(`${name}${code === undefined ? "" : ` ${code}`}: ${text}`);
  detail.stack = detail.message;
  const make = (sentence: string) => new StoreError(sentence, { cause: detail });

  if (name === "MongoParseError" || (name === "MongoRuntimeError" && /Unable to parse/i.test(text))) {
    return new ConfigError(
      "The MongoDB connection string is malformed: check MONGODB_URI, or MONGODB_USER / MONGODB_PASSWORD / MONGO_DB_ADDRESS.",
      { cause: detail },
    );
  }
  if (code === 18 || AUTH_FAILED.test(text)) {
    return make(
      `MongoDB at ${host} refused the credentials: check MONGODB_USER / MONGODB_PASSWORD (or the user in MONGODB_URI).`,
    );
  }
  if (code === 13 || code === 8000) {
    return make(
      `MongoDB at ${host} refused an operation as not authorised: give the user read on the candles collection and readWrite on the posts and capbot_locks collections.`,
    );
  }
  if (code === 50) {
    return make(
      `MongoDB at ${host} stopped a query at its time limit: run \`capbot doctor\` to see which index the window query needs.`,
    );
  }
  if (/ENOTFOUND|EAI_AGAIN|querySrv|ESERVFAIL/i.test(text)) {
    return make(
      `MongoDB host ${host} was not found in DNS: check MONGO_DB_ADDRESS (or the host in MONGODB_URI).`,
    );
  }
  if (/ECONNREFUSED/i.test(text)) {
    return make(
      `MongoDB at ${host} refused the connection: check MONGO_DB_ADDRESS (or MONGODB_URI) and that the server is running.`,
    );
  }
  if (/certificate|SSL|TLS/i.test(text)) {
    return make(
      `MongoDB at ${host} failed the TLS handshake: check the tls options of the connection string.`,
    );
  }
  if (
    name === "MongoServerSelectionError" ||
    name === "MongoNetworkTimeoutError" ||
    name === "MongoNetworkError" ||
    name === "MongoTopologyClosedError" ||
    /timed out|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH/i.test(text)
  ) {
    return make(
      `MongoDB at ${host} did not answer within ${formatSeconds(context.timeoutMs)}: check MONGO_DB_ADDRESS and that this machine's IP is allowed in Atlas.`,
    );
  }
  return make(`MongoDB at ${host} failed (${oneLine(text)}): run \`capbot doctor\` for details.`);
}

/** "10 s", "1.5 s". */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function errorCode(err: unknown): number | undefined {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === "number" ? code : undefined;
}

/** The message and the causes' messages: the driver hides the useful part (ECONNREFUSED) in a cause. */
function fullText(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.filter((p) => p.length > 0).join(" / ");
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
