// Test clocks (`/v1/test_helpers/test_clocks`), as Stripe documents them: a clock has a frozen time;
// customers created with `test_clock` live at that time (their subscriptions start, renew, prorate
// and invoice at the clock's time, not the wall clock's); `advance` moves it forward — the clock
// turns `advancing` (event `test_helpers.test_clock.advancing`), every subscription of its
// customers whose period ends on the way renews at that period's end, in order, then the clock is
// `ready` at the target time (`test_helpers.test_clock.ready`). As on Stripe the advance finishes
// after the response: poll the clock until `status` is `ready`.
//
// Stripe's limits: the new time must be after the current one, and at most two intervals of the
// shortest subscription on the clock ahead (two years when it has none).
import { invalidRequest, missingParam, noSuch } from "./errors";
import { int, str, type Params } from "./params";
import { atTime, newId, nowSeconds, type JsonObject, type Store, type StripeObject } from "./store";
import type { Customer, Recurring, Subscription } from "./types";

export interface TestClock extends StripeObject {
  object: "test_helpers.test_clock";
  created: number;
  deletes_after: number;
  frozen_time: number;
  livemode: false;
  name: string | null;
  status: "advancing" | "ready" | "internal_failure";
  /** `{ advancing: { target_frozen_time } }` while advancing, else `{}`. */
  status_details: JsonObject;
}

/** What the clocks need from the engine. */
export interface ClockHost {
  store: Store;
  flow<T>(fn: () => T): T;
  emit(type: string, object: TestClock): void;
  /** The end of a subscription's current period. */
  periodEnd(sub: Subscription): number;
  /** The period end arrives: renewal (or the deletion of a subscription set to cancel). */
  renew(subscriptionId: string): void;
  addInterval(seconds: number, recurring: Pick<Recurring, "interval" | "interval_count">): number;
  /** How long a clock stays `advancing` before its advance runs (Stripe takes seconds; 0 still answers `advancing` first). */
  advanceDelayMs(): number;
}

const DAY = 86_400;
/** Stripe deletes a test clock 30 days after it was created. */
const LIFETIME = 30 * DAY;
const RENEWING = ["active", "past_due", "trialing", "unpaid"];

export class TestClocks {
  /** During an advance: the time the clock's objects are at (the period end being renewed). */
  private readonly cursor = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly host: ClockHost) {}

  create(params: Params): TestClock {
    const frozen = int(params, "frozen_time");
    if (frozen === undefined) throw missingParam("frozen_time");
    const customerId = str(params, "customer");
    const customer = customerId ? this.customer(customerId) : null;
    if (customer?.test_clock) throw invalidRequest(`Customer ${customerId} is already on a test clock.`, "customer");
    const created = nowSeconds();
    const clock: TestClock = {
      id: newId("clock"),
      object: "test_helpers.test_clock",
      created,
      deletes_after: created + LIFETIME,
      frozen_time: frozen,
      livemode: false,
      name: str(params, "name") || null,
      status: "ready",
      status_details: {},
    };
    this.host.store.put("test_helpers.test_clock", clock);
    if (customer) customer.test_clock = clock.id;
    return clock;
  }

  get(id: string): TestClock {
    const clock = this.host.store.get<TestClock>("test_helpers.test_clock", id);
    if (!clock) throw noSuch("test_helpers.test_clock", id);
    return clock;
  }

  all(): TestClock[] {
    return this.host.store.all<TestClock>("test_helpers.test_clock");
  }

  /** The time of a customer's clock (its advance's cursor while advancing); null without a clock. */
  timeOfCustomer(customerId: string | null | undefined): number | null {
    if (!customerId) return null;
    const clockId = this.host.store.get<Customer>("customer", customerId)?.test_clock as string | null | undefined;
    if (!clockId) return null;
    return this.cursor.get(clockId) ?? this.get(clockId).frozen_time;
  }

  /** Deletes a clock with its customers and their subscriptions, as Stripe does. */
  delete(id: string): { id: string; object: "test_helpers.test_clock"; deleted: true } {
    this.get(id);
    for (const customer of this.customersOf(id)) {
      for (const sub of this.subscriptionsOf([customer.id])) this.host.store.collection("subscription").delete(sub.id);
      this.host.store.collection("customer").delete(customer.id);
    }
    this.host.store.collection("test_helpers.test_clock").delete(id);
    return { id, object: "test_helpers.test_clock", deleted: true };
  }

  advance(id: string, params: Params): TestClock {
    const clock = this.get(id);
    const target = int(params, "frozen_time");
    if (target === undefined) throw missingParam("frozen_time");
    if (clock.status !== "ready")
      throw invalidRequest(`Test clock ${id} is ${clock.status}; wait until it is ready to advance it again.`);
    if (target <= clock.frozen_time)
      throw invalidRequest("The frozen_time must be after the test clock's current frozen_time.", "frozen_time");
    const limit = this.advanceLimit(clock);
    if (target > limit)
      throw invalidRequest(
        `Cannot advance the test clock to ${target}: at most two intervals of its shortest subscription (or two years without subscriptions) after its frozen_time, ${limit} at the latest.`,
        "frozen_time",
      );
    this.host.flow(() => {
      clock.status = "advancing";
      clock.status_details = { advancing: { target_frozen_time: target } };
      this.host.emit("test_helpers.test_clock.advancing", clock);
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finishAdvance(clock, target);
    }, this.host.advanceDelayMs());
    timer.unref?.();
    this.timers.add(timer);
    return clock;
  }

  /** Renews, in order, every period of the clock's subscriptions that ends by `target`; then ready. */
  private finishAdvance(clock: TestClock, target: number): void {
    if (!this.host.store.get("test_helpers.test_clock", clock.id)) return; // deleted meanwhile
    try {
      // Two intervals at most (advanceLimit), a few periods per subscription; the bound only guards a bug.
      for (let renewals = 0; renewals < 10_000; renewals++) {
        const customers = this.customersOf(clock.id).map((c) => c.id);
        const next = this.subscriptionsOf(customers)
          .filter((sub) => RENEWING.includes(sub.status) && this.host.periodEnd(sub) <= target)
          .sort((x, y) => this.host.periodEnd(x) - this.host.periodEnd(y))[0];
        if (!next) break;
        const at = this.host.periodEnd(next);
        this.cursor.set(clock.id, at);
        atTime(at, () => this.host.renew(next.id));
      }
      this.cursor.delete(clock.id);
      this.host.flow(() => {
        clock.frozen_time = target;
        clock.status = "ready";
        clock.status_details = {};
        this.host.emit("test_helpers.test_clock.ready", clock);
      });
    } catch {
      this.cursor.delete(clock.id);
      clock.status = "internal_failure";
      clock.status_details = {};
    }
  }

  private advanceLimit(clock: TestClock): number {
    const subs = this.subscriptionsOf(this.customersOf(clock.id).map((c) => c.id)).filter((s) =>
      RENEWING.includes(s.status),
    );
    const steps = subs.flatMap((s) => s.items.data.map((i) => i.price.recurring!));
    const from = clock.frozen_time;
    if (steps.length === 0) return this.host.addInterval(from, { interval: "year", interval_count: 2 });
    return Math.min(
      ...steps.map((r) => this.host.addInterval(from, { interval: r.interval, interval_count: 2 * r.interval_count })),
    );
  }

  private customer(id: string): Customer {
    const customer = this.host.store.get<Customer>("customer", id);
    if (!customer) throw noSuch("customer", id, "customer");
    return customer;
  }

  private customersOf(clockId: string): Customer[] {
    return this.host.store.all<Customer>("customer").filter((c) => c.test_clock === clockId);
  }

  private subscriptionsOf(customerIds: string[]): Subscription[] {
    return this.host.store.all<Subscription>("subscription").filter((s) => customerIds.includes(s.customer));
  }

  /** Stops pending advances (the simulator closes or resets). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.cursor.clear();
  }
}
