// The settings only `capbot schedule` has: when to run, where to serve metrics and the operator's page,
// when to call itself unhealthy. Flags win over the environment; a bad value is a ConfigError naming the setting.

import { ConfigError } from "../errors.js";
import { DEFAULT_HOST, type ListenOptions } from "../http/listen.js";
import { DEFAULT_CRON } from "./defaults.js";
import { validateCron } from "./scheduler.js";

export interface ScheduleSettings {
  cron: string;
  /** Where to serve /metrics and /healthz (127.0.0.1 unless a host is given); null = no metrics server. */
  metrics: ListenOptions | null;
  /** Where to serve the operator's page (127.0.0.1 unless a host is given); null = no page. */
  page: ListenOptions | null;
  healthMaxFailures: number;
}

const DEFAULT_HEALTH_MAX_FAILURES = 3;

type Flags = Record<string, unknown>;

/** A flag's value, else the environment's; with the name the operator used, for messages. */
function pick(flags: Flags, env: NodeJS.ProcessEnv, flag: string, envName: string) {
  const f = flags[flag];
  if (typeof f === "string" && f.trim() !== "") return { value: f.trim(), name: `--${kebab(flag)}` };
  const e = env[envName];
  if (e !== undefined && e.trim() !== "") return { value: e.trim(), name: envName };
  return null;
}

export function scheduleSettings(flags: Flags, env: NodeJS.ProcessEnv): ScheduleSettings {
  const cron = pick(flags, env, "cron", "CAPBOT_CRON");
  return {
    cron: cron ? validateCronNamed(cron.value, cron.name) : DEFAULT_CRON,
    metrics: listenSettings(
      flags,
      env,
      ["metricsPort", "CAPBOT_METRICS_PORT"],
      ["metricsHost", "CAPBOT_METRICS_HOST"],
    ),
    page: listenSettings(flags, env, ["servePort", "CAPBOT_SERVE_PORT"], ["serveHost", "CAPBOT_SERVE_HOST"]),
    healthMaxFailures: healthMaxFailures(flags, env),
  };
}

/** /healthz answers 503 after this many failed runs in a row (`schedule`'s, and a standalone page's). */
export function healthMaxFailures(flags: Flags, env: NodeJS.ProcessEnv): number {
  const maxFailures = pick(flags, env, "healthMaxFailures", "CAPBOT_HEALTH_MAX_FAILURES");
  return maxFailures
    ? wholeNumber(maxFailures.value, maxFailures.name, 1, 1_000_000)
    : DEFAULT_HEALTH_MAX_FAILURES;
}

/** A server is wanted when its port is set; its host defaults to 127.0.0.1. */
function listenSettings(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  [portFlag, portEnv]: [string, string],
  [hostFlag, hostEnv]: [string, string],
): ListenOptions | null {
  const port = pick(flags, env, portFlag, portEnv);
  if (port === null) return null;
  const host = pick(flags, env, hostFlag, hostEnv);
  return {
    port: wholeNumber(port.value, port.name, 0, 65_535),
    host: host?.value ?? DEFAULT_HOST,
    portSetting: port.name,
    hostSetting: host?.name ?? `--${kebab(hostFlag)}`,
  };
}

function validateCronNamed(value: string, name: string): string {
  try {
    return validateCron(value);
  } catch (err) {
    if (err instanceof ConfigError && name !== "--cron") {
      throw new ConfigError(err.message.replace(/^--cron/, name));
    }
    throw err;
  }
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
