// A logger whose JSON lines the test can read back.

import { createLogger, type Logger } from "../../src/log.js";

export interface Captured {
  logger: Logger;
  events(): Record<string, unknown>[];
  messages(): string[];
}

export function captureLogger(): Captured {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    destination: {
      write: (line: string) => {
        lines.push(line);
        return true;
      },
    } as NodeJS.WritableStream,
  });
  const events = (): Record<string, unknown>[] =>
    lines.flatMap((l) => l.split("\n").filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, events, messages: () => events().map((e) => String(e["msg"])) };
}
