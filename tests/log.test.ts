// The logger: JSON lines on stderr, and no secret ever written, whether it comes in a field named
// like a secret or inside any message (SPEC §9 "never contain a secret").

import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, type LogFormat } from "../src/log.js";

const SECRETS = ["fake-consumer-secret-1234", "fake:pass@word/5678"];

function capture(format: LogFormat = "json", secrets: readonly string[] = SECRETS) {
  const lines: string[] = [];
  const logger = createLogger({
    level: "info",
    format,
    secrets,
    destination: { write: (l: string) => lines.push(l) > 0 } as NodeJS.WritableStream,
  });
  return { logger, output: () => lines.join("") };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("log redaction", () => {
  it("fields named like secrets are redacted, at the top and nested", () => {
    const { logger, output } = capture("json", []);
    logger.info(
      {
        password: "fake-password-value",
        token: "fake-token-value",
        x: { consumerSecret: "fake-nested-consumer-secret", accessToken: "fake-nested-access-token" },
        mongo: { uri: "mongodb+srv://fake-user:fake-uri-password@cluster0.example.net" },
        pair: "BTC-USDT",
      },
      "connecting",
    );
    const event = JSON.parse(output()) as Record<string, unknown>;
    expect(event["password"]).toBe("[redacted]");
    expect(event["token"]).toBe("[redacted]");
    expect(event["x"]).toEqual({ consumerSecret: "[redacted]", accessToken: "[redacted]" });
    expect(event["mongo"]).toEqual({ uri: "[redacted]" });
    expect(event["pair"]).toBe("BTC-USDT");
    expect(output()).not.toMatch(/fake-(password|token|nested|uri)/);
  });

  it("configured secret values are redacted inside any message or field", () => {
    const { logger, output } = capture();
    logger.warn({ detail: `signed with ${SECRETS[0]}` }, `X refused key ${SECRETS[0]}`);
    const event = JSON.parse(output()) as Record<string, unknown>;
    expect(event["msg"]).toBe("X refused key [redacted]");
    expect(event["detail"]).toBe("signed with [redacted]");
  });

  it("inside an error's message and stack", () => {
    const { logger, output } = capture();
    logger.error({ err: new Error(`auth failed for ${SECRETS[1]}`) }, "store failed");
    expect(output()).toContain("auth failed for [redacted]");
    expect(output()).not.toContain(SECRETS[1]);
  });

  it("in its URI-escaped form too, as it appears inside a connection string", () => {
    const { logger, output } = capture();
    const escaped = encodeURIComponent(SECRETS[1]!);
    logger.info(`mongodb+srv://fake-user:${escaped}@cluster0.example.net`);
    expect(output()).not.toContain(escaped);
    expect(output()).toContain("mongodb+srv://fake-user:[redacted]@cluster0.example.net");
  });

  it("a secret holding quotes or backslashes, which JSON escapes in the line", () => {
    const odd = 'fake"quoted\\secret';
    const { logger, output } = capture("json", [odd]);
    logger.info({ detail: odd }, `key ${odd}`);
    const event = JSON.parse(output()) as Record<string, unknown>;
    expect(event["msg"]).toBe("key [redacted]");
    expect(event["detail"]).toBe("[redacted]");
  });

  it("pretty lines are redacted as well", () => {
    const { logger, output } = capture("pretty");
    logger.info({ password: "fake-pretty-password", pair: "ETH-USDT" }, `using ${SECRETS[0]}`);
    expect(output()).toMatch(/INFO {2}using \[redacted\] {2}password=\[redacted\] pair=ETH-USDT\n$/);
    expect(output()).not.toContain("fake-pretty-password");
  });
});

describe("log stream", () => {
  it("writes to stderr by default, never stdout", () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    createLogger({ level: "info", format: "json" }).info({ runId: "run-1" }, "run finished");
    expect(out).not.toHaveBeenCalled();
    expect(err).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(err.mock.calls[0]?.[0]))).toMatchObject({
      level: "info",
      msg: "run finished",
      runId: "run-1",
    });
  });

  it("respects the level", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "warn",
      format: "json",
      destination: { write: (l: string) => lines.push(l) > 0 } as NodeJS.WritableStream,
    });
    logger.info("hidden");
    logger.warn("shown");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["shown"]);
  });
});
