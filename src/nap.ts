// A queue worker's pause between rounds (webhook deliveries, runs): up to `ms`, or until nudged —
// by a NOTIFY, a freed slot or a stop. A nudge that comes while the loop is busy is kept for its
// next nap, so no wake-up is lost between `forget()` at the top of a round and the nap at its end.
export interface Nap {
  sleep(ms: number): Promise<void>;
  nudge(): void;
  /** At the top of a round: nudges so far are answered by this round. */
  forget(): void;
}

export function createNap(): Nap {
  let nudged = false;
  let wake: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (nudged) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      }),
    nudge() {
      nudged = true;
      wake?.();
    },
    forget() {
      nudged = false;
    },
  };
}
