// The one string order of the core: plain code-unit comparison (`<`), as MongoDB and SQLite sort by
// default, never localeCompare, so that every store and every machine agree on ties.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
