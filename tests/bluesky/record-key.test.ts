// The record key derived from an intent (SPEC §8): always a TID the PDS takes, always the same for the
// same intent, holding the intent's time, and different for two intents of the same millisecond. And the
// post's addresses: its at:// URI and its web address.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePostUri, postUrl } from "../../src/publish/bluesky/address.js";
import { recordKeyOf } from "../../src/publish/bluesky/record-key.js";
import { decodeTid, isTid } from "./stand-in.js";

const intentIds = fc.oneof(fc.stringMatching(/^[0-9a-f]{24}$/), fc.string());
const times = fc.date({ noInvalidDate: true });
const ordinaryTimes = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2200-01-01T00:00:00Z"),
  noInvalidDate: true,
});

describe("the record key of an intent (SPEC §8)", () => {
  it("§8 is always a valid TID, for any intent id and any time", () => {
    fc.assert(fc.property(intentIds, times, (id, time) => isTid(recordKeyOf(id, time))));
  });

  it("§8 is the same for the same intent, so that a retry or a reconciliation finds the same record", () => {
    fc.assert(
      fc.property(intentIds, ordinaryTimes, (id, time) => {
        expect(recordKeyOf(id, new Date(time.getTime()))).toBe(recordKeyOf(id, time));
      }),
    );
  });

  it("§8 holds the intent's time: its microseconds fall within the intent's millisecond", () => {
    fc.assert(
      fc.property(intentIds, ordinaryTimes, (id, time) => {
        const { micros } = decodeTid(recordKeyOf(id, time));
        expect(micros / 1000n).toBe(BigInt(time.getTime()));
      }),
    );
  });

  it("§8 sorts as the intents' times do (a later intent's post sorts after)", () => {
    fc.assert(
      fc.property(
        intentIds,
        intentIds,
        ordinaryTimes,
        fc.integer({ min: 1, max: 10 ** 9 }),
        (a, b, time, later) => {
          expect(recordKeyOf(a, time) < recordKeyOf(b, new Date(time.getTime() + later))).toBe(true);
        },
      ),
    );
  });

  it("§8 differs for two intents recorded in the same millisecond", () => {
    const time = new Date("2026-03-02T12:00:00Z");
    const ids = Array.from({ length: 200 }, (_, i) => `65f1c0ffee01234567${String(i).padStart(6, "0")}`);
    expect(new Set(ids.map((id) => recordKeyOf(id, time))).size).toBe(ids.length);
  });

  it("§8 never changes between versions: an intent left pending across an upgrade is still found", () => {
    expect(recordKeyOf("65f1c0ffee0123456789abcd", new Date("2026-03-02T12:00:00Z"))).toBe("3mg37dsgw7cjk");
  });
});

describe("a post's addresses (SPEC §9)", () => {
  const uri = "at://did:plc:fakecapbotstandin2345abc/app.bsky.feed.post/3mg37dsgwp3vb";

  it("§9 the web address is bsky.app/profile/<did>/post/<rkey>", () => {
    expect(postUrl(uri)).toBe("https://bsky.app/profile/did:plc:fakecapbotstandin2345abc/post/3mg37dsgwp3vb");
  });

  it("§9 only a post's at:// URI has one", () => {
    expect(parsePostUri(uri)).toEqual({
      repo: "did:plc:fakecapbotstandin2345abc",
      collection: "app.bsky.feed.post",
      rkey: "3mg37dsgwp3vb",
    });
    expect(postUrl("at://did:plc:fakecapbotstandin2345abc/app.bsky.feed.like/3mg37dsgwp3vb")).toBeNull();
    expect(postUrl("1602000000000000001")).toBeNull();
    expect(postUrl(`${uri}/extra`)).toBeNull();
  });
});
