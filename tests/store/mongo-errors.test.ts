// Driver failures become one sentence naming the host and what to check (SPEC §9: exit 5), never a secret.
import { describe, expect, it } from "vitest";
import { formatSeconds as seconds } from "../../src/core/duration.js";
import { ConfigError, NothingToPostError, StoreError } from "../../src/errors.js";
import { mongoError } from "../../src/store/mongo-errors.js";

const uri = "mongodb+srv://fake-user:fake-p%40ssword@cluster0.example.net/?retryWrites=true";
const context = { uri, timeoutMs: 10_000 };

function driverError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  const err = Object.assign(new Error(message), extra);
  Object.defineProperty(err, "name", { value: name });
  return err;
}

function everything(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause)
    parts.push(e.message, String(e.stack), JSON.stringify(e));
  return parts.join("\n");
}

describe("mongoError", () => {
  it("a server selection timeout names the host and the timeout, and says what to check", () => {
    const err = mongoError(
      driverError("MongoServerSelectionError", "Server selection timed out after 10000 ms"),
      context,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect(err.exitCode).toBe(5);
    expect(err.message).toBe(
      "MongoDB at cluster0.example.net did not answer within 10 s: check MONGO_DB_ADDRESS and that this machine's IP is allowed in Atlas.",
    );
  });

  it("a refused connection is found in the cause the driver hides it in", () => {
    const cause = driverError("MongoNetworkError", "connect ECONNREFUSED 10.0.0.1:27017");
    const err = mongoError(
      driverError("MongoServerSelectionError", "connect ECONNREFUSED 10.0.0.1:27017", { cause }),
      context,
    );
    expect(err.message).toMatch(
      /^MongoDB at cluster0\.example\.net refused the connection: check MONGO_DB_ADDRESS/,
    );
  });

  it("an authentication failure points at the user and password settings", () => {
    const err = mongoError(
      driverError("MongoServerError", "bad auth : Authentication failed.", { code: 8000 }),
      context,
    );
    expect(err.message).toContain("check MONGODB_USER / MONGODB_PASSWORD");
    const byCode = mongoError(
      driverError("MongoServerError", "Authentication failed.", { code: 18 }),
      context,
    );
    expect(byCode.message).toContain("refused the credentials");
  });

  it("a missing right, a time limit and a DNS failure each say what to do", () => {
    expect(
      mongoError(driverError("MongoServerError", "not authorized on metrics", { code: 13 }), context).message,
    ).toContain("not authorised");
    expect(
      mongoError(driverError("MongoServerError", "operation exceeded time limit", { code: 50 }), context)
        .message,
    ).toContain("capbot doctor");
    expect(
      mongoError(driverError("Error", "querySrv ENOTFOUND _mongodb._tcp.cluster0.example.net"), context)
        .message,
    ).toContain("was not found in DNS");
  });

  it("a malformed connection string is a configuration error (exit 2) naming the settings, not the value", () => {
    const err = mongoError(driverError("MongoParseError", `Invalid scheme in ${uri}`), context);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain("MONGODB_URI");
    expect(everything(err)).not.toContain("fake-p");
  });

  it("the driver's text is scrubbed of the URI and password before any of it is kept", () => {
    const leaky = driverError("MongoServerError", `weird failure for ${uri} (password fake-p@ssword)`, {
      code: 999,
    });
    const err = mongoError(leaky, context);
    expect(err.message).toContain("MongoDB at cluster0.example.net failed (");
    expect(everything(err)).not.toContain("fake-p");
  });

  it("capbot's own errors pass through unchanged", () => {
    const own = new NothingToPostError("no candles");
    expect(mongoError(own, context)).toBe(own);
  });

  it("seconds are shown without noise", () => {
    expect(seconds(10_000)).toBe("10 s");
    expect(seconds(1_500)).toBe("1.5 s");
  });
});
