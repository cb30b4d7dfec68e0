// The schedule's default, in a module of its own so that `capbot --help` can show it without
// loading the scheduler.

/** Hourly at minute 0, UTC. */
export const DEFAULT_CRON = "0 * * * *";
