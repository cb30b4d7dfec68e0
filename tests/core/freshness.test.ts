import { describe, expect, it } from "vitest";
import { freshness } from "../../src/core/freshness.js";

const AS_OF = new Date("2026-03-02T12:00:00Z");
const HOUR = 3_600_000;
const agedBy = (ms: number) => new Date(AS_OF.getTime() - ms);

describe("freshness (§3 stale data)", () => {
  it("§3 exactly maxDataAge old is fresh; one millisecond more is stale", () => {
    expect(freshness(agedBy(3 * HOUR), AS_OF, "1h", 3 * HOUR)).toEqual({
      state: "fresh",
      ok: true,
      detail:
        "the newest valid 1h candle (2026-03-02T09:00:00.000Z) is 3h old at 2026-03-02T12:00:00.000Z, within the limit of 3h",
    });
    expect(freshness(agedBy(3 * HOUR + 1), AS_OF, "1h", 3 * HOUR)).toMatchObject({
      state: "stale",
      ok: false,
    });
    expect(freshness(agedBy(3 * HOUR - 1), AS_OF, "1h", 3 * HOUR)).toMatchObject({
      state: "fresh",
      ok: true,
    });
  });

  it("§3 stale data gives its age and the limit", () => {
    expect(freshness(agedBy(5 * HOUR + 12 * 60_000), AS_OF, "1m", 3 * HOUR)).toEqual({
      state: "stale",
      ok: false,
      detail:
        "the newest valid 1m candle (2026-03-02T06:48:00.000Z) is 5h 12m old at 2026-03-02T12:00:00.000Z, over the limit of 3h",
    });
  });

  it("§3 an age that prints like the limit is said to be just over it", () => {
    expect(freshness(agedBy(3 * HOUR + 30_000), AS_OF, "1h", 3 * HOUR).detail).toMatch(
      / is 3h old at .*, just over the limit of 3h$/,
    );
  });

  it("§3 --max-data-age off: any age may be posted, and the age is still given", () => {
    expect(freshness(agedBy(30 * 24 * HOUR), AS_OF, "1h", null)).toEqual({
      state: "unchecked",
      ok: true,
      detail:
        "the newest valid 1h candle (2026-01-31T12:00:00.000Z) is 30d old at 2026-03-02T12:00:00.000Z; the age check is off",
    });
  });

  it("§3 no valid candle before as-of is never ok, with the check on or off: there is nothing to post", () => {
    const missing = {
      state: "missing",
      ok: false,
      detail: "no valid 1h candle before 2026-03-02T12:00:00.000Z",
    };
    expect(freshness(null, AS_OF, "1h", 3 * HOUR)).toEqual(missing);
    expect(freshness(null, AS_OF, "1h", null)).toEqual(missing);
  });
});
