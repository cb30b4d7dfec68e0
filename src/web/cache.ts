// A value computed at most once per period and shared: every request that arrives while it is being
// computed waits for that one computation, and its answer serves every request for `ttlMs` after it
// finished. A computation that fails is not kept: the next request tries again.

export function sharedFor<T>(ttlMs: number, compute: () => Promise<T>, now: () => number = Date.now) {
  let current: { value: Promise<T>; settledAt: number | null } | null = null;
  return (): Promise<T> => {
    if (current !== null && (current.settledAt === null || now() - current.settledAt < ttlMs)) {
      return current.value;
    }
    const entry: { value: Promise<T>; settledAt: number | null } = { value: compute(), settledAt: null };
    current = entry;
    entry.value.then(
      () => {
        entry.settledAt = now();
      },
      () => {
        if (current === entry) current = null;
      },
    );
    return entry.value;
  };
}
