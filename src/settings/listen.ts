// The settings of capbot's own servers and schedule — `capbot schedule` (when to run, /metrics, the page)
// and `capbot serve` — read from the same sources as every other setting (flags > environment > .env >
// config file), each with the name the operator used, so that a failed listen can say which setting
// chose the port or the host.

import { DEFAULT_HOST, type ListenOptions } from "../http/listen.js";
import type { Values } from "./values.js";

export interface ScheduleConfig {
  /** The cron expression as set, checked by `capbot schedule` (croner is loaded only there); null = hourly. */
  cron: { expression: string; setting: string } | null;
  /** Where to serve /metrics and /healthz; null = no metrics server (no port set). */
  metrics: ListenOptions | null;
  /** Where `schedule` serves the operator's page; null = no page (no port set). */
  page: ListenOptions | null;
  /** /healthz answers 503 after this many failed runs in a row. */
  healthMaxFailures: number;
}

export interface ServeConfig extends ListenOptions {
  /** The page's access token; required on any address but loopback. Secret. */
  token: string | null;
}

const DEFAULT_SERVE_PORT = 8080;
const DEFAULT_HEALTH_MAX_FAILURES = 3;

export function scheduleConfig(values: Values): ScheduleConfig {
  const cron = values.get("cron");
  return {
    cron: cron === undefined ? null : { expression: cron, setting: nameOf(values, "cron") },
    metrics: values.has("metricsPort") ? listen(values, "metricsPort", "metricsHost") : null,
    page: values.has("servePort") ? listen(values, "servePort", "serveHost") : null,
    healthMaxFailures: values.get("healthMaxFailures") ?? DEFAULT_HEALTH_MAX_FAILURES,
  };
}

/** `capbot serve`'s page: port 8080 unless set. */
export function serveConfig(values: Values): ServeConfig {
  return {
    ...listen(values, "servePort", "serveHost"),
    port: values.get("servePort") ?? DEFAULT_SERVE_PORT,
    token: values.get("serveToken") ?? null,
  };
}

/** A server's port and host (127.0.0.1 unless set), with the settings that chose them. */
function listen(
  values: Values,
  port: "metricsPort" | "servePort",
  host: "metricsHost" | "serveHost",
): ListenOptions {
  return {
    port: values.get(port) ?? 0,
    host: values.get(host) ?? DEFAULT_HOST,
    portSetting: nameOf(values, port),
    hostSetting: nameOf(values, host),
  };
}

function nameOf(values: Values, name: Parameters<Values["raw"]>[0]): string {
  return values.raw(name)?.name ?? values.envName(name);
}
