import { describe, expect, it, vi } from "vitest";
import { orderForPosting, passOver } from "../../src/core/select.js";

const day = (d: number) => new Date(Date.UTC(2023, 0, d));

describe("orderForPosting (§5)", () => {
  it("§5 never posted first, then lastPostedAt ascending, then metric descending, then pair ascending", () => {
    const candidates = [
      { pair: "A-USDT", metric: 1, lastPostedAt: day(3) },
      { pair: "B-USDT", metric: 5, lastPostedAt: day(2) },
      { pair: "C-USDT", metric: 9, lastPostedAt: day(2) },
      { pair: "D-USDT", metric: 1, lastPostedAt: null },
      { pair: "E-USDT", metric: 3, lastPostedAt: null },
      { pair: "F-USDT", metric: 3, lastPostedAt: null },
    ];
    expect(orderForPosting(candidates).map((c) => c.pair)).toEqual([
      "E-USDT",
      "F-USDT",
      "D-USDT",
      "C-USDT",
      "B-USDT",
      "A-USDT",
    ]);
  });

  it("§5 the pair posted longest ago comes first, however small; on equal times and metrics, by pair", () => {
    const older = { pair: "Z-USDT", metric: 1, lastPostedAt: day(1) };
    const newer = { pair: "A-USDT", metric: 9, lastPostedAt: day(2) };
    expect(orderForPosting([newer, older]).map((c) => c.pair)).toEqual(["Z-USDT", "A-USDT"]);
    const tied = [
      { pair: "B-USDT", metric: 5, lastPostedAt: day(3) },
      { pair: "A-USDT", metric: 5, lastPostedAt: new Date(day(3).getTime()) },
      { pair: "D-USDT", metric: 5, lastPostedAt: null },
      { pair: "C-USDT", metric: 5, lastPostedAt: null },
    ];
    expect(orderForPosting(tied).map((c) => c.pair)).toEqual(["C-USDT", "D-USDT", "A-USDT", "B-USDT"]);
  });

  it("§5 does not reorder its input", () => {
    const candidates = [
      { pair: "B-USDT", metric: 1, lastPostedAt: day(1) },
      { pair: "A-USDT", metric: 1, lastPostedAt: null },
    ];
    orderForPosting(candidates);
    expect(candidates[0]?.pair).toBe("B-USDT");
  });
});

describe("passOver (§5)", () => {
  const facts = { held: undefined, venues: 2, minVenues: 2, lastText: "old", text: () => "new" };

  it("§5 composes a text only when the cheaper rules let the pair through and it was posted before", () => {
    const text = vi.fn(() => "old");
    expect(passOver({ ...facts, held: "held: x", text })?.kind).toBe("held");
    expect(passOver({ ...facts, venues: 1, text })?.kind).toBe("few-venues");
    expect(passOver({ ...facts, lastText: null, text })).toBeNull();
    expect(text).not.toHaveBeenCalled();
    expect(passOver({ ...facts, text })?.kind).toBe("unchanged");
    expect(text).toHaveBeenCalledOnce();
  });

  it("§5 a text that cannot be composed is never unchanged", () => {
    expect(passOver({ ...facts, lastText: "old", text: () => null })).toBeNull();
  });

  it("§5 says how many venues there are and how many are needed", () => {
    expect(passOver({ ...facts, venues: 0, minVenues: 1 })?.reason).toBe(
      "only 0 venues with volume (at least 1 needed)",
    );
    expect(passOver({ ...facts, venues: 2, minVenues: 3 })?.reason).toBe(
      "only 2 venues with volume (at least 3 needed)",
    );
  });
});
