// What every command needs before it starts: the validated Config and a logger that knows the secrets
// it must never print. A configuration error is reported here, once, with exit code 2.

import type { Command } from "commander";
import { type Config, loadConfig, secretValues } from "../config.js";
import { ConfigError, EXIT } from "../errors.js";
import { createLogger, type Logger } from "../log.js";

interface Context {
  config: Config;
  logger: Logger;
}

/** Loads the configuration from the command's flags (and the program's global ones). */
export function contextOf(command: Command, extra: Record<string, unknown> = {}): Context {
  const flags: Record<string, unknown> = { ...command.optsWithGlobals(), ...extra };
  // commander gives `chart: true` for an absent --no-chart; only the flag itself may override settings.
  if (flags["chart"] === true) delete flags["chart"];
  const config = loadConfig(flags);
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: secretValues(config),
  });
  return { config, logger };
}

/** Prints a configuration error (never a value) and sets exit code 2; JSON when asked. */
export function reportConfigError(err: unknown, json: boolean): void {
  if (!(err instanceof ConfigError)) throw err;
  if (json) process.stdout.write(`${JSON.stringify({ status: "error", error: err.message })}\n`);
  else process.stderr.write(`capbot: ${err.message}\n`);
  process.exitCode = EXIT.config;
}

/** contextOf, with a configuration error reported (exit 2) instead of thrown: null then. */
export function contextOrReport(
  command: Command,
  json: boolean,
  extra: Record<string, unknown> = {},
): Context | null {
  try {
    return contextOf(command, extra);
  } catch (err) {
    reportConfigError(err, json);
    return null;
  }
}
