// SPEC §8a: the run's lease is renewed while it works (at least every third of the lease), and the
// fence before a publish renews it or refuses — once lost, always lost.

import { afterEach, describe, expect, it, vi } from "vitest";
import { LeaseKeeper } from "../../src/bot/lease.js";
import { LeaseLostError } from "../../src/errors.js";
import { createLogger } from "../../src/log.js";
import type { Store } from "../../src/store/port.js";
import { capturingLogger } from "./harness.js";

const LEASE = 9 * 60_000;
const logger = createLogger({ level: "silent", format: "json" });

/** A store whose renewals are counted and answered by `held`. */
function lockStore(held: () => boolean): { store: Store; renewals: number[] } {
  const renewals: number[] = [];
  const store = {
    renewLock: async (_owner: string, leaseMs: number) => {
      renewals.push(leaseMs);
      return held();
    },
  } as unknown as Store;
  return { store, renewals };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the lease keeper (SPEC §8a)", () => {
  it("renews the lease every third of it while the run works, and stops when told", async () => {
    vi.useFakeTimers();
    const { store, renewals } = lockStore(() => true);
    const keeper = new LeaseKeeper(store, "run-1", LEASE, () => new Date(), logger);
    keeper.start();
    await vi.advanceTimersByTimeAsync(LEASE / 3 - 1);
    expect(renewals).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewals).toEqual([LEASE]);
    await vi.advanceTimersByTimeAsync(LEASE);
    expect(renewals).toHaveLength(4);
    keeper.stop();
    await vi.advanceTimersByTimeAsync(LEASE);
    expect(renewals).toHaveLength(4);
  });

  it("the fence renews the lease, or refuses once it is lost — and stays refused", async () => {
    let held = true;
    const { store, renewals } = lockStore(() => held);
    const keeper = new LeaseKeeper(store, "run-1", LEASE, () => new Date(), logger);
    await expect(keeper.fence("x")).resolves.toBeUndefined();
    held = false;
    await expect(keeper.fence("bluesky")).rejects.toThrow(LeaseLostError);
    await expect(keeper.fence("bluesky")).rejects.toThrow(/lost its lock lease before posting to bluesky/);
    held = true;
    await expect(keeper.fence("x")).rejects.toThrow(LeaseLostError);
    expect(renewals).toHaveLength(2);
  });

  it("a background renewal that finds the lease lost makes the next fence refuse without asking", async () => {
    vi.useFakeTimers();
    const { store, renewals } = lockStore(() => false);
    const keeper = new LeaseKeeper(store, "run-1", LEASE, () => new Date(), logger);
    keeper.start();
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    expect(renewals).toHaveLength(1);
    await expect(keeper.fence("x")).rejects.toThrow(LeaseLostError);
    expect(renewals).toHaveLength(1);
  });

  it("a renewal the store cannot answer does not lose the lease: the fence asks again", async () => {
    vi.useFakeTimers();
    let fail = true;
    const renewals: number[] = [];
    const store = {
      renewLock: async () => {
        renewals.push(1);
        if (fail) throw new Error("the store is busy");
        return true;
      },
    } as unknown as Store;
    const logged = capturingLogger();
    const keeper = new LeaseKeeper(store, "run-1", LEASE, () => new Date(), logged.logger);
    keeper.start();
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    fail = false;
    await expect(keeper.fence("x")).resolves.toBeUndefined();
    expect(renewals).toHaveLength(2);
    keeper.stop();
    // The operator sees each renewal that failed.
    expect(logged.lines).toMatchObject([
      { level: "warn", err: "the store is busy", msg: "could not renew the lock lease" },
    ]);
  });

  it("a lost lease is logged once, with the run that lost it", async () => {
    const { store } = lockStore(() => false);
    const logged = capturingLogger();
    const keeper = new LeaseKeeper(store, "run-1", LEASE, () => new Date(), logged.logger);
    const lost = { level: "warn", owner: "run-1", msg: "the lock lease was lost; nothing more is published" };
    await expect(keeper.fence("x")).rejects.toThrow(LeaseLostError);
    expect(logged.lines).toMatchObject([lost]);
    await expect(keeper.fence("telegram")).rejects.toThrow(LeaseLostError);
    expect(logged.lines).toMatchObject([lost]);
    expect(logged.lines).toHaveLength(1);
  });
});
