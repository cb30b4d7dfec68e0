// SPEC §3 and §6: no NaN, Infinity, sign or malformed figure ever reaches a post. The shares are computed
// exactly and always print as "41.20" or "<0.01", so a bad figure could only come from a bug upstream;
// composeMessage refuses to print one rather than post it. Here the shares module hands it one.
import { describe, expect, it, vi } from "vitest";
import { composeMessage } from "../../src/core/message.js";

const corrupt = vi.hoisted(() => ({ figure: null as string | null }));

vi.mock("../../src/core/shares.js", async (importOriginal) => {
  const shares = await importOriginal<typeof import("../../src/core/shares.js")>();
  return {
    ...shares,
    // The second line's figure replaced, when a test asks for it.
    shareLines: (...args: Parameters<typeof shares.shareLines>) =>
      shares
        .shareLines(...args)
        .map((line, i) => (i === 1 && corrupt.figure !== null ? { ...line, text: corrupt.figure } : line)),
  };
});

const VENUES = [
  { venue: "binance", volume: 3 },
  { venue: "okx", volume: 1 },
];

describe("§6 only plain two-decimal figures are printed", () => {
  it.each(["NaN", "Infinity", "-25.00", "25", "25.0", "25.000", "2.5e1", " 25.00", "<0.02", ""])(
    "§3 the figure %j is refused with a sentence that names it, its venue and its pair",
    (figure) => {
      corrupt.figure = figure;
      try {
        expect(() => composeMessage("BTC-USDT", VENUES, 5, {})).toThrow(
          `Refusing to print the figure "${figure}" for OKX in BTC-USDT`,
        );
      } finally {
        corrupt.figure = null;
      }
    },
  );

  it("§6 figures as the shares print them pass: 75.00 and <0.01", () => {
    expect(composeMessage("BTC-USDT", VENUES, 5, {}).text).toBe(
      "Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX: 25.00%",
    );
    corrupt.figure = "<0.01";
    try {
      expect(composeMessage("BTC-USDT", VENUES, 5, {}).text).toBe(
        "Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX: <0.01%",
      );
    } finally {
      corrupt.figure = null;
    }
  });
});
