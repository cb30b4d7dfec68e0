// Named points in a run where a test may stop the process for good (SIGKILL) or freeze it (SIGSTOP),
// so that the fault tests reach every phase deterministically instead of killing at random moments:
// CAPBOT_FAILPOINT=kill:after-intent, pause:before-publish, … A point reached several times in a run
// takes `@n` for its nth time (kill:demo-fill@3). Nothing happens unless that variable names the point;
// an operator never sets it. See docs/faults.md.

export type Failpoint =
  /** The lock is taken, nothing else done. */
  | "after-lock"
  /** Dead intents are reconciled; the snapshot is next. */
  | "after-reconcile"
  /** The intent is recorded; the publish has not started. */
  | "after-intent"
  /** The lease was checked and the post is about to be sent. */
  | "before-publish"
  /** The network has the post; the store does not know yet. */
  | "after-publish"
  /** The post is recorded; the lock is still held. */
  | "after-record"
  /** A batch of the demo fill is written inside its transaction (after each batch of candles, and the posts). */
  | "demo-fill"
  /** The local publisher's chart file is in place; its outbox line is not written yet. */
  | "local-chart-written";

/** How often each point was reached in this process, for `@n`. */
const reached = new Map<Failpoint, number>();

export function failpoint(name: Failpoint): void {
  const wanted = process.env["CAPBOT_FAILPOINT"];
  if (wanted === undefined || wanted === "") return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  for (const item of wanted.split(",")) {
    const [action, target = ""] = item.trim().split(":");
    const [point, nth] = target.split("@");
    if (point !== name || (nth !== undefined && Number(nth) !== count)) continue;
    if (action === "kill") process.kill(process.pid, "SIGKILL");
    if (action === "pause") process.kill(process.pid, "SIGSTOP");
  }
}
