import { describe, expect, it } from "vitest";
import { orderForPosting } from "../../src/core/select.js";

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

  it("§5 does not reorder its input", () => {
    const candidates = [
      { pair: "B-USDT", metric: 1, lastPostedAt: day(1) },
      { pair: "A-USDT", metric: 1, lastPostedAt: null },
    ];
    orderForPosting(candidates);
    expect(candidates[0]?.pair).toBe("B-USDT");
  });
});
