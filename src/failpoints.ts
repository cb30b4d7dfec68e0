// Named points in a run where a test may stop the process for good (SIGKILL) or freeze it (SIGSTOP),
// so that the fault tests reach every phase deterministically instead of killing at random moments:
// CAPBOT_FAILPOINT=kill:after-intent, pause:before-publish, … Nothing happens unless that variable names
// the point; an operator never sets it. See docs/faults.md.

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
  | "after-record";

export function failpoint(name: Failpoint): void {
  const wanted = process.env["CAPBOT_FAILPOINT"];
  if (wanted === undefined || wanted === "") return;
  for (const item of wanted.split(",")) {
    const [action, point] = item.trim().split(":");
    if (point !== name) continue;
    if (action === "kill") process.kill(process.pid, "SIGKILL");
    if (action === "pause") process.kill(process.pid, "SIGSTOP");
  }
}
