/**
 * Natural batching for the enforcement hot path. Requests with the same key (same statement parameters
 * apart from the per-request amounts) that arrive while a statement for that key is in flight are queued
 * and sent together as the next statement. A request on an idle key is sent after one event-loop turn.
 * With every check of a hot key serialised on the same rows, this is what lets one commit carry many
 * requests; each request still takes at most one round trip. Per process, in memory, no timers.
 */
interface Waiter<Req, Res> {
  req: Req;
  resolve: (r: Res) => void;
  reject: (e: unknown) => void;
}

export class Coalescer<Req, Res> {
  private readonly queues = new Map<string, Waiter<Req, Res>[]>();

  /**
   * @param run executes one batch; must return one result per request, in order
   * @param idOf requests with the same id never share a batch (a duplicate waits for the next one)
   */
  constructor(
    private readonly run: (key: string, batch: Req[]) => Promise<Res[]>,
    private readonly idOf: (req: Req) => string,
    private readonly maxBatch = 128,
  ) {}

  submit(key: string, req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ req, resolve, reject });
        return;
      }
      const fresh: Waiter<Req, Res>[] = [{ req, resolve, reject }];
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  private async drain(key: string, first: Waiter<Req, Res>[]): Promise<void> {
    let queue = first;
    while (queue.length > 0) {
      // Let requests already received in this event-loop turn join: PGlite runs statements synchronously on
      // this thread, so without this yield nothing could arrive while a statement runs and batches stay at 1.
      await new Promise((resolve) => setImmediate(resolve));
      queue = this.queues.get(key)!;
      const batch: Waiter<Req, Res>[] = [];
      const rest: Waiter<Req, Res>[] = [];
      const ids = new Set<string>();
      for (const w of queue) {
        const id = this.idOf(w.req);
        if (batch.length < this.maxBatch && !ids.has(id)) {
          ids.add(id);
          batch.push(w);
        } else {
          rest.push(w);
        }
      }
      this.queues.set(key, rest); // arrivals during the statement join `rest`
      try {
        const results = await this.run(key, batch.map((w) => w.req));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
      queue = this.queues.get(key)!;
    }
    this.queues.delete(key);
  }
}
