// At most `max` live balance streams per user: every open stream holds a LISTEN subscription, a
// timer and a socket, so one signed-in client opening streams in a loop could exhaust the server.
// When one more opens, the user's OLDEST stream is closed first (the newest tab is the one in use).
//
// Per process: with several server instances a user can hold `max` streams on each. Counting across
// instances would need shared state on every open and close (a database row or a broker); the
// per-instance bound already caps what one client costs each process, which is what matters here.

export class PerUserStreamLimit {
  /** userId → the close functions of their open streams, oldest first (a Set keeps insertion order). */
  private readonly open = new Map<string, Set<() => void>>();

  /** `max` is read on every admit, so configuration is read when a stream opens. */
  constructor(private readonly max: () => number) {}

  /**
   * Registers a stream that `close` ends; closes the user's oldest streams beyond the limit. Returns
   * the release to call when the stream ends (any way it ends; calling it twice is harmless).
   */
  admit(userId: string, close: () => void): () => void {
    let streams = this.open.get(userId);
    if (!streams) this.open.set(userId, (streams = new Set()));
    streams.add(close);
    const max = Math.max(1, this.max());
    while (streams.size > max) {
      const oldest = streams.values().next().value!;
      streams.delete(oldest);
      oldest();
    }
    const own = streams;
    return () => {
      own.delete(close);
      if (own.size === 0 && this.open.get(userId) === own) this.open.delete(userId);
    };
  }

  /** How many streams the user has open on this instance. */
  count(userId: string): number {
    return this.open.get(userId)?.size ?? 0;
  }
}
