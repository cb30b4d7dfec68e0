// `capbot schedule`'s settings as it runs them: read with every other setting (src/settings/listen.ts),
// the cron expression checked here, where croner is loaded, and reported under the name it was set by.

import type { Config } from "../config.js";
import { ConfigError } from "../errors.js";
import type { ListenOptions } from "../http/listen.js";
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

export function scheduleSettings(config: Config): ScheduleSettings {
  const { cron, ...rest } = config.schedule;
  return { ...rest, cron: cron === null ? DEFAULT_CRON : validateCronNamed(cron.expression, cron.setting) };
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
