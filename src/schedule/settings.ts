// The settings only `capbot schedule` has: when to run, where to serve metrics, when to call itself
// unhealthy. Flags win over the environment; a bad value is a ConfigError naming the setting.

import { ConfigError } from "../errors.js";
import { DEFAULT_HOST, type ListenOptions } from "../http/listen.js";
import { DEFAULT_CRON } from "./defaults.js";
import { validateCron } from "./scheduler.js";

export interface ScheduleSettings {
  cron: string;
  /** Where to serve /metrics and /healthz (127.0.0.1 unless a host is given); null = no metrics server. */
  metrics: ListenOptions | null;
  healthMaxFailures: number;
}

const DEFAULT_HEALTH_MAX_FAILURES = 3;

export function scheduleSettings(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): ScheduleSettings {
  const pick = (flag: string, envName: string): { value: string; name: string } | null => {
    const f = flags[flag];
    if (typeof f === "string" && f.trim() !== "") return { value: f.trim(), name: `--${kebab(flag)}` };
    const e = env[envName];
    if (e !== undefined && e.trim() !== "") return { value: e.trim(), name: envName };
    return null;
  };

  const cron = pick("cron", "CAPBOT_CRON");
  const port = pick("metricsPort", "CAPBOT_METRICS_PORT");
  const host = pick("metricsHost", "CAPBOT_METRICS_HOST");
  const maxFailures = pick("healthMaxFailures", "CAPBOT_HEALTH_MAX_FAILURES");

  return {
    cron: cron ? validateCronNamed(cron.value, cron.name) : DEFAULT_CRON,
    metrics: port
      ? {
          port: wholeNumber(port.value, port.name, 0, 65_535),
          host: host?.value ?? DEFAULT_HOST,
          portSetting: port.name,
          hostSetting: host?.name ?? "--metrics-host",
        }
      : null,
    healthMaxFailures: maxFailures
      ? wholeNumber(maxFailures.value, maxFailures.name, 1, 1_000_000)
      : DEFAULT_HEALTH_MAX_FAILURES,
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
