// Figures as a person reads them in a table: `preview`'s candidates and the operator's page.

/** 1234567 → "1.23M": candidates span many orders of magnitude. */
export function compact(n: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) if (n >= size) return `${(n / size).toFixed(2)}${suffix}`;
  return n.toFixed(2);
}
