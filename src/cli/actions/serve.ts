// What `capbot serve` does: checks that the address is loopback or a token protects it (else exit 2
// naming CAPBOT_SERVE_TOKEN), serves the page until SIGTERM or SIGINT, then exits 0. /healthz is judged
// from the runs the store recorded: the runs are other processes' (cron, a timer, GitHub Actions).

import type { Command } from "commander";
import { openStore } from "../../adapters.js";
import { ConfigError, exitCodeOf } from "../../errors.js";
import type { ListenOptions } from "../../http/listen.js";
import { healthMaxFailures } from "../../schedule/settings.js";
import { onShutdownSignal } from "../../schedule/signals.js";
import { requireTokenFor } from "../../web/access.js";
import { recordedHealth } from "../../web/health.js";
import { servePage } from "../../web/server.js";
import { contextOf, reportConfigError } from "../context.js";

export async function serve(opts: { port?: string; host?: string }, command: Command): Promise<void> {
  const listenOptions: Pick<ListenOptions, "portSetting" | "hostSetting"> = {
    portSetting: opts.port === undefined ? "CAPBOT_SERVE_PORT" : "--port",
    hostSetting: opts.host === undefined ? "CAPBOT_SERVE_HOST" : "--host",
  };
  let ctx: ReturnType<typeof contextOf>;
  let maxFailures: number;
  try {
    // --port and --host are the settings of `schedule --serve-port` and `--serve-host`, named as typed.
    ctx = contextOf(command, { servePort: opts.port, serveHost: opts.host });
    requireTokenFor(ctx.config.serve.host, ctx.config.serve.token, listenOptions.hostSetting);
    maxFailures = healthMaxFailures({}, process.env);
  } catch (err) {
    reportConfigError(asTyped(err), false);
    return;
  }
  const { config, logger } = ctx;
  const readonly = () => openStore(config, { readonly: true });
  const health = recordedHealth(readonly, { maxFailures, lockLeaseMs: config.lockLeaseMs }, () => new Date());
  const shutdown = onShutdownSignal(logger);
  const { host, port } = config.serve;
  let server: Awaited<ReturnType<typeof servePage>>;
  try {
    server = await servePage({ config, logger, health }, { port, host, ...listenOptions });
  } catch (err) {
    shutdown.dispose();
    process.stderr.write(`capbot: ${(err as Error).message}\n`);
    process.exitCode = exitCodeOf(err);
    return;
  }
  const shown = host.includes(":") ? `[${host}]` : host;
  process.stdout.write(`Serving the operator's page at http://${shown}:${server.port}/ (Ctrl-C stops it).\n`);
  await shutdown.received;
  await server.close();
  shutdown.dispose();
  process.exitCode = 0;
}

/** A bad --port or --host is reported under the name typed, not the shared setting's flag. */
function asTyped(err: unknown): unknown {
  if (!(err instanceof ConfigError)) return err;
  const message = err.message.replace(/^--serve-port\b/, "--port").replace(/^--serve-host\b/, "--host");
  return message === err.message ? err : new ConfigError(message);
}
