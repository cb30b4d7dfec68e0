// Logs: pino JSON lines on stderr (never stdout, which carries results), pretty when stderr is a
// terminal or LOG_FORMAT=pretty. Secrets are redacted at the logger, whatever a caller passes in.

import { type Logger, pino } from "pino";
import { registerSecrets, scrub } from "./secrets.js";

export type { Logger };
export type LogFormat = "json" | "pretty";
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** Field names whose values are never written, at any depth pino's redaction supports. */
const REDACTED_KEYS = [
  "password",
  "secret",
  "token",
  "uri",
  "authorization",
  "consumerKey",
  "consumerSecret",
  "accessToken",
  "accessSecret",
  "MONGODB_URI",
  "MONGODB_PASSWORD",
  "TW_CONSUMER_KEY",
  "TW_CONSUMER_KEY_SECRET",
  "TW_ACCESS_TOKEN",
  "TW_ACCESS_TOKEN_SECRET",
] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Values that must never appear in a line, whatever field carries them (registered with secrets.ts). */
  secrets?: readonly string[];
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  registerSecrets(options.secrets ?? []);
  const sink = options.destination ?? process.stderr;
  const stream = {
    write(line: string): void {
      const clean = scrub(line);
      sink.write(options.format === "pretty" ? prettyLine(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** One readable line per event: time, level, message, then the other fields as key=value. */
function prettyLine(jsonLine: string): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { time, level, msg, ...rest } = event;
  const clock = typeof time === "string" ? time.slice(11, 19) : "";
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${clock} ${String(level).toUpperCase().padEnd(5)} ${String(msg ?? "")}${fields ? `  ${fields}` : ""}\n`;
}
