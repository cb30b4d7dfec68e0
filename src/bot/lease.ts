// The run's hold on its lock lease (SPEC §8a): renewed while the run works (every third of the lease),
// and checked — by renewing it — immediately before each publish and before each request that can
// create a post. A run that has lost its lease (paused past it, or too slow) stops without publishing:
// another run may have taken over and reconciled its intent, and a post now would be a second one.

import { LeaseLostError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/port.js";

export class LeaseKeeper {
  private lost = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly now: () => Date,
    private readonly logger: Logger,
  ) {}

  /** Renews in the background until stopped; the timer never keeps the process alive. */
  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(1_000, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Rejects with LeaseLostError unless the lease is still this run's; it is renewed on the way. */
  async fence(where: string): Promise<void> {
    if (this.lost || !(await this.store.renewLock(this.owner, this.leaseMs, this.now()))) {
      this.markLost();
      throw new LeaseLostError(
        `This run lost its lock lease before posting to ${where} (it was paused or slowed past CAPBOT_LOCK_LEASE, and another run may have taken over): nothing was sent there. The run that holds the lease reconciles what is left.`,
      );
    }
  }

  /** The timer's tick: once the lease is known lost the timer is stopped, so none runs after. */
  private async renew(): Promise<void> {
    try {
      if (!(await this.store.renewLock(this.owner, this.leaseMs, this.now()))) this.markLost();
    } catch (err) {
      // The store may be back before the lease runs out; the fence before a publish decides.
      this.logger.warn({ err: (err as Error).message }, "could not renew the lock lease");
    }
  }

  private markLost(): void {
    if (!this.lost)
      this.logger.warn({ owner: this.owner }, "the lock lease was lost; nothing more is published");
    this.lost = true;
    this.stop();
  }
}
