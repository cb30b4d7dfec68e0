// The few error kinds a run can end with, each carrying its exit code (SPEC §9). The shell maps them
// to one sentence for a person; a message never holds a secret (callers never interpolate one).

export const EXIT = {
  ok: 0,
  other: 1,
  config: 2,
  nothingToPost: 3,
  publish: 4,
  store: 5,
} as const;

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CapbotError extends Error {
  readonly exitCode: ExitCode = EXIT.other;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A missing or malformed setting or flag. The message names the setting, never its value. */
export class ConfigError extends CapbotError {
  override readonly exitCode = EXIT.config;
}

/** No counted candles, a forced pair without data, or stale data. */
export class NothingToPostError extends CapbotError {
  override readonly exitCode = EXIT.nothingToPost;
}

/**
 * The publisher refused or could not be reached. `uncertain` means the post may have gone out (every
 * attempt timed out after the request was sent): the intent then stays `pending` for reconciliation
 * instead of being recorded `failed`, so that it is neither lost nor posted twice.
 */
export class PublishError extends CapbotError {
  override readonly exitCode = EXIT.publish;
  readonly uncertain: boolean;
  constructor(message: string, options?: { cause?: unknown; uncertain?: boolean }) {
    super(message, options);
    this.uncertain = options?.uncertain ?? false;
  }
}

/**
 * The run no longer holds its lock lease (SPEC §8a): it was paused or too slow, and another run may have
 * taken over. Nothing more is sent; what was not published is left to the run that holds the lease.
 */
export class LeaseLostError extends PublishError {}

/** The store is unreachable or failed. */
export class StoreError extends CapbotError {
  override readonly exitCode = EXIT.store;
}

export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof CapbotError ? err.exitCode : EXIT.other;
}
