// Listening for capbot's small HTTP servers — the metrics of `capbot schedule`, the operator's page of
// `capbot serve` — so that none of them can be starved or starve the bot: on 127.0.0.1 unless told
// otherwise, a cap on open connections (an idle one makes room for a new one), and short timeouts for
// idle sockets and slow requests. A listen that fails is a configuration error naming the setting that
// chose the port or the host, never the engine's EADDRINUSE or getaddrinfo text, never the value.

import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ConfigError } from "../errors.js";
import type { Logger } from "../log.js";

/** Only this machine can connect unless the operator chooses another address. */
export const DEFAULT_HOST = "127.0.0.1";

/**
 * Open connections at most: a scraper, a health check and a browser need a handful. Each holds a file
 * descriptor, which the runs of the same process need for the store and the timeline.
 */
export const MAX_CONNECTIONS = 64;

/** A socket that says nothing for this long is closed. */
const IDLE_MS = 10_000;
/** A request's headers, and the whole request, must arrive within these. */
const HEADERS_MS = 10_000;
const REQUEST_MS = 30_000;
/** A kept-alive connection waits this long for its next request. */
const KEEP_ALIVE_MS = 5_000;

export interface ListenOptions {
  port: number;
  host: string;
  /** The settings that chose the port and the host, as the operator gave them (`--metrics-port`, …). */
  portSetting: string;
  hostSetting: string;
}

export interface Listening {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export async function listen(
  handler: RequestListener,
  options: ListenOptions,
  logger: Logger,
): Promise<Listening> {
  const server = createServer(
    {
      headersTimeout: HEADERS_MS,
      requestTimeout: REQUEST_MS,
      keepAliveTimeout: KEEP_ALIVE_MS,
      connectionsCheckingInterval: 1_000,
    },
    handler,
  );
  server.setTimeout(IDLE_MS, (socket: Socket) => socket.destroy());
  capConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw listenError(err, options);
  });
  // After the start, an error (no descriptor left to accept a connection) must not end the process.
  server.on("error", (err) => logger.warn({ err: (err as Error).message }, "the HTTP server had an error"));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * At most {@link MAX_CONNECTIONS} sockets: a new one beyond that closes the oldest socket with no request
 * in flight, so that idle connections held open by someone else never lock out a health check; when
 * every socket is busy, the new one is closed instead.
 */
function capConnections(server: ReturnType<typeof createServer>): void {
  const open = new Set<Socket>();
  const busy = new WeakSet<Socket>();
  server.on("connection", (socket: Socket) => {
    if (open.size >= MAX_CONNECTIONS) {
      const idle = [...open].find((s) => !busy.has(s));
      if (idle === undefined) {
        socket.destroy();
        return;
      }
      idle.destroy();
      open.delete(idle);
    }
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    busy.add(req.socket);
    res.once("close", () => busy.delete(req.socket));
  });
}

function listenError(err: unknown, options: ListenOptions): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const { portSetting, hostSetting } = options;
  switch (code) {
    case "EADDRINUSE":
      return new ConfigError(
        `${portSetting}: the port is already in use on this machine; choose another one.`,
      );
    case "EACCES":
      return new ConfigError(
        `${portSetting}: this user may not listen on that port (below 1024 needs privileges); choose one from 1024 up.`,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "EAI_NONAME":
      return new ConfigError(
        `${hostSetting}: the host name does not resolve on this machine; give one of its addresses, like ${DEFAULT_HOST}.`,
      );
    case "EADDRNOTAVAIL":
      return new ConfigError(
        `${hostSetting}: the address is not one of this machine's; give one of its addresses, like ${DEFAULT_HOST}.`,
      );
    default:
      return new ConfigError(
        `Could not listen on the address of ${hostSetting} and the port of ${portSetting} (${code ?? "unknown error"}).`,
      );
  }
}
