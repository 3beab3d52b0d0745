// Balance snapshots per user, fed by the listener's signals: one read per burst of changes, shared by
// every subscriber of that user (several tabs of one user cost one read per change, not one each).
//
// Guarantees: after the last change of a burst, every subscriber receives a snapshot read after that
// change (a change arriving during a read marks the user dirty and causes one more read, so the last
// state is never skipped); a subscriber receives snapshots of its own user only; a new subscriber
// receives a current snapshot promptly; after unsubscribe nothing more is delivered and the user's
// entry (and its listener subscription) is removed with its last subscriber.

import type { BalanceListener } from "./listener";

export interface FeedSubscriber<S> {
  /** A fresh snapshot, or null when the user has no token account. */
  snapshot(value: S | null): void;
  /** The read failed; the feed tries again on the next change. */
  error?(error: Error): void;
}

interface UserEntry<S> {
  userId: string;
  subscribers: Set<FeedSubscriber<S>>;
  reading: boolean;
  dirty: boolean;
  unlisten(): void;
}

export class BalanceFeed<S> {
  private readonly users = new Map<string, UserEntry<S>>();

  constructor(
    private readonly listener: Pick<BalanceListener, "subscribe">,
    private readonly read: (userId: string) => Promise<S | null>,
  ) {}

  subscribe(userId: string, subscriber: FeedSubscriber<S>): () => void {
    let entry = this.users.get(userId);
    if (!entry) {
      const created: UserEntry<S> = {
        userId,
        subscribers: new Set(),
        reading: false,
        dirty: false,
        unlisten: () => {},
      };
      created.unlisten = this.listener.subscribe(userId, () => this.refresh(userId));
      this.users.set(userId, created);
      entry = created;
    }
    // A wrapper per subscription, so one object subscribed twice is two subscriptions.
    const own: FeedSubscriber<S> = { snapshot: (v) => subscriber.snapshot(v), error: (e) => subscriber.error?.(e) };
    entry.subscribers.add(own);
    this.refresh(userId);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.users.get(userId);
      if (!current) return;
      current.subscribers.delete(own);
      if (current.subscribers.size === 0) {
        current.unlisten();
        this.users.delete(userId);
      }
    };
  }

  /** Users with at least one subscriber. */
  get userCount(): number {
    return this.users.size;
  }

  private refresh(userId: string): void {
    const entry = this.users.get(userId);
    if (!entry) return;
    if (entry.reading) {
      entry.dirty = true;
      return;
    }
    entry.reading = true;
    entry.dirty = false;
    void this.read(userId).then(
      (value) => this.deliver(entry, (s) => s.snapshot(value)),
      (error: Error) => this.deliver(entry, (s) => s.error?.(error)),
    );
  }

  private deliver(entry: UserEntry<S>, send: (subscriber: FeedSubscriber<S>) => void): void {
    entry.reading = false;
    for (const subscriber of [...entry.subscribers]) {
      try {
        send(subscriber);
      } catch {
        // One broken subscriber (a closed stream) must not starve the others.
      }
    }
    // Only while the entry is still the user's (not dropped by its last unsubscribe meanwhile).
    if (entry.dirty && this.users.get(entry.userId) === entry) this.refresh(entry.userId);
  }
}
