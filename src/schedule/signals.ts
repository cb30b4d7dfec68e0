// Shutdown on SIGTERM (systemd, docker, Kubernetes) and SIGINT (Ctrl-C): the first signal asks for a
// graceful stop; a second one means the operator will not wait, so the process exits at once (the
// lock then frees itself when its lease runs out, and a pending intent is reconciled next run).

import type { Logger } from "../log.js";

export interface ShutdownSignal {
  /** Resolves with the first signal received. */
  received: Promise<NodeJS.Signals>;
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/** The part of `process` this needs, so that a test can send signals without sending them to itself. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

const SCHEDULE_STOPPING = "stopping after the run in progress, if any (send the signal again to exit now)";

export function onShutdownSignal(
  logger: Logger,
  source: SignalSource = process,
  forceExit: (code: number) => void = (code) => process.exit(code),
  /** What the first signal does, in the log: `serve` has no run to wait for. */
  stopping: string = SCHEDULE_STOPPING,
): ShutdownSignal {
  let first: NodeJS.Signals | null = null;
  let resolve: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((r) => {
    resolve = r;
  });
  const handler = (signal: NodeJS.Signals): void => {
    if (first === null) {
      first = signal;
      logger.info({ signal }, stopping);
      resolve(signal);
      return;
    }
    logger.warn({ signal }, "second signal: exiting at once, without waiting");
    forceExit(1);
  };
  for (const s of SIGNALS) source.on(s, handler);
  return {
    received,
    dispose: () => {
      for (const s of SIGNALS) source.off(s, handler);
    },
  };
}
