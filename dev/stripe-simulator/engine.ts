// The simulator's billing engine: Stripe's objects and what happens to them. Each state change
// runs as one "flow" (a checkout completion, a renewal, a plan switch, …) and produces its events
// in the order Stripe sends them for that flow; the flow's events go to `onFlow` (the webhook
// dispatcher) together, so delivery switches like "shuffle within a flow" have a unit to act on.
// Validation happens before any mutation, so a rejected request changes nothing.
import {
  checkoutSessionDefaults,
  customerDefaults,
  disputeDefaults,
  invoiceDefaults,
  portalConfigurationDefaults,
  portalSessionDefaults,
  priceDefaults,
  productDefaults,
  refundDefaults,
  subscriptionDefaults,
} from "./defaults";
import { Adjustments, invoiceAdjustmentFields, type InvoiceAdjustment } from "./adjustments";
import {
  applySessionAmounts,
  lineAmounts,
  parseCheckoutTaxSettings,
  sessionTaxFields,
  type CheckoutDetails,
} from "./checkout-tax";
import { discountObject, newCoupon, newPromotionCode, type Coupon, type PromotionCode } from "./discounts";
import { StripeError, invalidRequest, missingParam, noSuch } from "./errors";
import { applyMetadata, arr, bool, int, isObject, obj, oneOf, requiredStr, str, strList, type Params } from "./params";
import { CHECKOUT_LOCALES, PORTAL_LOCALES } from "./locales";
import { PaymentIntents } from "./payment-intents";
import { PaymentMethods, TEST_CARDS, TEST_PAYMENT_METHODS, type PaymentMethod } from "./payment-methods";
import { newPayment, settlePayment } from "./payments";
import { applyPortalConfiguration, parsePortalFlow, portalPrices } from "./portal";
import {
  API_VERSION,
  Store,
  atTime,
  clone,
  newId,
  nowSeconds,
  previousAttributes,
  type EventRecord,
  type Json,
  type JsonObject,
  type StripeObject,
} from "./store";
import * as tax from "./tax";
import { TestClocks, type TestClock } from "./test-clocks";
import type {
  Charge,
  CheckoutLineItem,
  CheckoutSession,
  Customer,
  Invoice,
  InvoiceLine,
  Metadata,
  PaymentIntent,
  PortalConfiguration,
  PortalSession,
  Price,
  Product,
  Recurring,
  Subscription,
  SubscriptionItem,
} from "./types";

/** How the hosted checkout page (or `completeCheckout`) ends a session. */
export type CheckoutOutcome = "paid" | "declined" | "async_success" | "async_failure";
export const CHECKOUT_OUTCOMES: readonly CheckoutOutcome[] = ["paid", "declined", "async_success", "async_failure"];

export type ProrationBehavior = "create_prorations" | "always_invoice" | "none";

export interface RequestContext {
  id: string | null;
  idempotencyKey: string | null;
}

export interface EngineOptions {
  /** Base URL of the simulator's hosted pages (checkout, portal). */
  publicUrl: () => string;
  /** Receives each flow's events, in Stripe's order. */
  onFlow: (events: EventRecord[]) => void;
  /** Delay before a "delayed method" payment resolves by itself; null = only `resolveAsyncPayment`. */
  asyncPaymentDelayMs: number | null;
  /** How long a test clock stays `advancing` before its advance runs (default 0). */
  testClockAdvanceMs?: number;
}

interface PendingAsync {
  result: "succeeded" | "failed";
  timer: NodeJS.Timeout | null;
}

interface PendingProration {
  amount: number;
  description: string;
  price: Price;
  quantity: number;
  subscriptionItem: string;
  period: { start: number; end: number };
}

const DAY = 86_400;

/**
 * The end of the period that starts at `start`: the first boundary after it, counted from the
 * billing cycle anchor (Stripe counts every period from the anchor, so an anchor on the 31st gives
 * Jan 31 → Feb 28 → Mar 31, never drifting to the 28th; a Feb 29 anchor gives Feb 28 in other years).
 */
export function periodEndFromAnchor(
  anchor: number,
  start: number,
  recurring: Pick<Recurring, "interval" | "interval_count">,
): number {
  if (recurring.interval === "day" || recurring.interval === "week") return addInterval(start, recurring);
  const step = recurring.interval === "month" ? recurring.interval_count : recurring.interval_count * 12;
  const at = (k: number) => addInterval(anchor, { interval: "month", interval_count: k * step });
  const a = new Date(anchor * 1000);
  const s = new Date(start * 1000);
  const months = (s.getUTCFullYear() - a.getUTCFullYear()) * 12 + s.getUTCMonth() - a.getUTCMonth();
  let k = Math.max(1, Math.floor(months / step));
  while (k > 1 && at(k - 1) > start) k--;
  while (at(k) <= start) k++;
  return at(k);
}

/** Adds a price's billing interval to a UNIX time, clamping the day of month like Stripe (Jan 31 → Feb 28). */
export function addInterval(seconds: number, recurring: Pick<Recurring, "interval" | "interval_count">): number {
  const count = recurring.interval_count;
  const date = new Date(seconds * 1000);
  switch (recurring.interval) {
    case "day":
      return seconds + count * DAY;
    case "week":
      return seconds + count * 7 * DAY;
    case "month":
    case "year": {
      const months = recurring.interval === "month" ? count : count * 12;
      const day = date.getUTCDate();
      const target = new Date(date.getTime());
      target.setUTCDate(1);
      target.setUTCMonth(target.getUTCMonth() + months);
      const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      target.setUTCDate(Math.min(day, lastDay));
      return Math.floor(target.getTime() / 1000);
    }
  }
}

function sameInterval(a: Price, b: Price): boolean {
  return a.recurring?.interval === b.recurring?.interval && a.recurring?.interval_count === b.recurring?.interval_count;
}

function formatAmount(amount: number, currency: string): string {
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  return `${sign}${currency.toUpperCase() === "USD" ? "$" : currency.toUpperCase() + " "}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** A checkout page's card field: a test card number or a test PaymentMethod id; Visa 4242 by default. */
function checkoutCardNumber(card: string | undefined): string {
  const value = (card ?? "").replace(/[\s-]+/g, "");
  if (!value) return "4242424242424242";
  const number = TEST_PAYMENT_METHODS[value] ?? value;
  if (!TEST_CARDS[number]) {
    throw new StripeError(402, "card_error", "Your card number is incorrect.", "incorrect_number", "number");
  }
  return number;
}

/** A checkout payment made with `card`: the intent and charge name it (and the card's details). */
function useCard(intent: PaymentIntent, charge: Charge, card: PaymentMethod, setupFutureUsage: string | null): void {
  intent.payment_method = card.id;
  intent.setup_future_usage = setupFutureUsage;
  charge.payment_method = card.id;
  const details = charge.payment_method_details as JsonObject;
  details.card = { ...(details.card as JsonObject), brand: card.card.brand, last4: card.card.last4 };
}

export class StripeEngine {
  readonly store = new Store();
  /** `/v1/test_helpers/test_clocks`: customers on a clock live at its time (test-clocks.ts). */
  readonly clocks = new TestClocks({
    store: this.store,
    flow: (fn) => this.flow(fn),
    emit: (type: string, clock: TestClock) => void this.emit(type, clock),
    periodEnd: (sub) => this.periodEnd(sub),
    renew: (id) => void this.advanceSubscription(id),
    addInterval,
    advanceDelayMs: () => this.options.testClockAdvanceMs ?? 0,
  });
  /** Tax settings, discounts and tax ids (adjustments.ts). */
  readonly adjustments = new Adjustments(this.store);
  /** Saved cards: Stripe's test cards and PaymentMethod ids, attach / detach (payment-methods.ts). */
  readonly paymentMethods = new PaymentMethods({
    store: this.store,
    flow: (fn) => this.flow(fn),
    emit: (type, object, before) => void this.emit(type, object, before),
    customer: (id, param) => this.customer(id, param),
  });
  /** `POST /v1/payment_intents` and its confirm / cancel, on and off session (payment-intents.ts). */
  readonly paymentIntents = new PaymentIntents({
    store: this.store,
    methods: this.paymentMethods,
    flow: (fn) => this.flow(fn),
    emit: (type, object, before) => void this.emit(type, object, before),
    customer: (id, param) => this.customer(id, param),
    publicUrl: () => this.options.publicUrl(),
  });
  /** Every event, oldest first. */
  readonly events: EventRecord[] = [];
  /** Set by the HTTP layer while a request is handled, so events carry `request.id`. */
  request: RequestContext = { id: null, idempotencyKey: null };

  private flowEvents: EventRecord[] | null = null;
  private readonly failPayments = new Map<string, number>();
  private readonly delayPayments = new Map<string, number>();
  private readonly pendingAsync = new Map<string, PendingAsync>();
  private readonly pendingProrations = new Map<string, PendingProration[]>();
  private readonly sessionLineItems = new Map<string, CheckoutLineItem[]>();
  private readonly invoicePayments = new Map<string, StripeObject[]>();
  private invoiceCounter = 0;

  constructor(private readonly options: EngineOptions) {}

  // ---------------------------------------------------------------- events and flows

  /** Runs `fn` as one flow: its events are handed to `onFlow` together, in emission order. */
  flow<T>(fn: () => T): T {
    if (this.flowEvents) return fn();
    this.flowEvents = [];
    try {
      return fn();
    } finally {
      const events = this.flowEvents;
      this.flowEvents = null;
      if (events.length > 0) this.options.onFlow(events);
    }
  }

  private emit(type: string, object: StripeObject, before?: StripeObject): EventRecord {
    const event: EventRecord = {
      id: newId("evt"),
      object: "event",
      api_version: API_VERSION,
      created: nowSeconds(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: this.request.id, idempotency_key: this.request.idempotencyKey },
      type,
    };
    if (before) {
      const previous = previousAttributes(before, object);
      if (previous) event.data.previous_attributes = previous;
    }
    this.events.push(event);
    this.store.put("event", event);
    if (this.flowEvents) this.flowEvents.push(event);
    else this.options.onFlow([event]);
    return event;
  }

  /** Forgets every object, event, pending payment and armed failure. */
  reset(): void {
    this.clocks.dispose();
    for (const pending of this.pendingAsync.values()) if (pending.timer) clearTimeout(pending.timer);
    this.pendingAsync.clear();
    this.store.clear();
    this.events.length = 0;
    this.failPayments.clear();
    this.pendingProrations.clear();
    this.sessionLineItems.clear();
    this.invoicePayments.clear();
    this.delayPayments.clear();
    this.adjustments.reset();
    this.paymentMethods.reset();
    this.invoiceCounter = 0;
  }

  close(): void {
    this.clocks.dispose();
    for (const pending of this.pendingAsync.values()) if (pending.timer) clearTimeout(pending.timer);
    this.pendingAsync.clear();
  }

  // ---------------------------------------------------------------- lookups

  mustGet<T extends StripeObject>(kind: string, id: string, label: string, param?: string): T {
    const found = this.store.get<T>(kind, id);
    if (!found) throw noSuch(label, id, param);
    return found;
  }

  product(id: string, param?: string): Product {
    return this.mustGet<Product>("product", id, "product", param);
  }

  price(id: string, param?: string): Price {
    return this.mustGet<Price>("price", id, "price", param);
  }

  customer(id: string, param?: string): Customer {
    return this.mustGet<Customer>("customer", id, "customer", param);
  }

  subscription(id: string, param?: string): Subscription {
    return this.mustGet<Subscription>("subscription", id, "subscription", param);
  }

  invoice(id: string, param?: string): Invoice {
    return this.mustGet<Invoice>("invoice", id, "invoice", param);
  }

  charge(id: string, param?: string): Charge {
    return this.mustGet<Charge>("charge", id, "charge", param);
  }

  /** Every InvoicePayment (the link from an invoice to the PaymentIntent that paid it), oldest first. */
  allInvoicePayments(): StripeObject[] {
    return [...this.invoicePayments.values()].flat().sort((a, b) => (a.created as number) - (b.created as number));
  }

  invoicePayment(id: string): StripeObject {
    const found = this.allInvoicePayments().find((p) => p.id === id);
    if (!found) throw noSuch("invoice_payment", id);
    return found;
  }

  checkoutSession(id: string, param?: string): CheckoutSession {
    return this.mustGet<CheckoutSession>("checkout.session", id, "checkout.session", param);
  }

  portalSession(id: string): PortalSession {
    return this.mustGet<PortalSession>("billing_portal.session", id, "billing portal session");
  }

  lineItemsOf(sessionId: string): CheckoutLineItem[] {
    return this.sessionLineItems.get(sessionId) ?? [];
  }

  /** Fields that exist only when expanded. */
  includable(object: JsonObject, field: string): Json | undefined {
    if (object.object === "checkout.session" && field === "line_items" && typeof object.id === "string") {
      const data = this.lineItemsOf(object.id);
      return {
        object: "list",
        data: clone(data),
        has_more: false,
        url: `/v1/checkout/sessions/${object.id}/line_items`,
      };
    }
    if (object.object === "invoice" && field === "payments" && typeof object.id === "string") {
      const data = this.invoicePayments.get(object.id) ?? [];
      return { object: "list", data: clone(data), has_more: false, url: `/v1/invoice_payments?invoice=${object.id}` };
    }
    if (object.object === "charge" && field === "refunds" && typeof object.id === "string") {
      const id = object.id;
      const data = this.store
        .all("refund")
        .filter((r) => r.charge === id)
        .reverse();
      return { object: "list", data: clone(data), has_more: false, url: `/v1/charges/${id}/refunds` };
    }
    return undefined;
  }

  /** The subscription that is not ended (active, trialing, past_due, incomplete, …) for a customer, newest first. */
  liveSubscriptions(customerId: string): Subscription[] {
    return this.store
      .all<Subscription>("subscription")
      .filter((s) => s.customer === customerId && s.status !== "canceled" && s.status !== "incomplete_expired")
      .reverse();
  }

  productName(price: Price): string {
    return this.store.get<Product>("product", price.product)?.name ?? price.product;
  }

  // ---------------------------------------------------------------- products and prices

  createProduct(params: Params): Product {
    const name = requiredStr(params, "name");
    const id = str(params, "id");
    if (id !== undefined && this.store.get("product", id)) {
      throw invalidRequest("Product already exists.", "id", "resource_already_exists");
    }
    const now = nowSeconds();
    const product: Product = {
      id: id || newId("prod"),
      object: "product",
      active: bool(params, "active") ?? true,
      created: now,
      description: str(params, "description") || null,
      images: strList(params, "images") ?? [],
      metadata: applyMetadata({}, params),
      name,
      statement_descriptor: str(params, "statement_descriptor") || null,
      unit_label: str(params, "unit_label") || null,
      updated: now,
      url: str(params, "url") || null,
      ...productDefaults(),
    };
    return this.flow(() => {
      this.store.put("product", product);
      this.emit("product.created", product);
      return product;
    });
  }

  updateProduct(id: string, params: Params): Product {
    const product = this.product(id);
    const before = clone(product);
    const name = str(params, "name");
    if (name === "") throw invalidRequest("You must provide a non-empty name.", "name");
    const active = bool(params, "active");
    const defaultPrice = str(params, "default_price");
    if (defaultPrice) this.price(defaultPrice, "default_price");
    const metadata = applyMetadata(product.metadata, params);
    return this.flow(() => {
      if (name !== undefined) product.name = name;
      if (active !== undefined) product.active = active;
      if (defaultPrice !== undefined) product.default_price = defaultPrice || null;
      const description = str(params, "description");
      if (description !== undefined) product.description = description || null;
      product.metadata = metadata;
      product.updated = nowSeconds();
      this.emit("product.updated", product, before);
      return product;
    });
  }

  createPrice(params: Params): Price {
    const currency = requiredStr(params, "currency").toLowerCase();
    let productId = str(params, "product");
    const productData = obj(params, "product_data");
    if (!productId && !productData) {
      throw invalidRequest("You must specify either `product` or `product_data` when creating a price.", "product");
    }
    if (productId) this.product(productId, "product");
    if (productData) requiredStr(productData, "name", "product_data[name]");
    const unitAmount = int(params, "unit_amount");
    const decimal = str(params, "unit_amount_decimal");
    let amount = unitAmount;
    if (amount === undefined && decimal !== undefined) {
      if (!/^\d+$/.test(decimal))
        throw invalidRequest("The simulator supports whole-cent unit_amount_decimal only.", "unit_amount_decimal");
      amount = Number(decimal);
    }
    if (amount === undefined) throw missingParam("unit_amount");
    if (amount < 0) throw invalidRequest("This value must be greater than or equal to 0.", "unit_amount");
    const recurringParams = obj(params, "recurring");
    let recurring: Recurring | null = null;
    if (recurringParams) {
      const interval = oneOf(
        recurringParams,
        "interval",
        ["day", "week", "month", "year"] as const,
        "recurring[interval]",
      );
      if (!interval) throw missingParam("recurring[interval]");
      const count = int(recurringParams, "interval_count", "recurring[interval_count]") ?? 1;
      if (count < 1) throw invalidRequest("Invalid recurring[interval_count]", "recurring[interval_count]");
      recurring = { interval, interval_count: count, meter: null, trial_period_days: null, usage_type: "licensed" };
    }
    const lookupKey = str(params, "lookup_key") || null;
    const transfer = bool(params, "transfer_lookup_key") ?? false;
    const holder = lookupKey ? this.priceByLookupKey(lookupKey) : undefined;
    if (holder && !transfer) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses the lookup key \`${lookupKey}\`. Pass \`transfer_lookup_key=true\` to move it to this price.`,
        "lookup_key",
      );
    }
    const metadata = applyMetadata({}, params);
    return this.flow(() => {
      if (productData && !productId) {
        productId = this.createProduct({
          name: productData.name ?? "",
          ...(isObject(productData.metadata) ? { metadata: productData.metadata } : {}),
        }).id;
      }
      const price: Price = {
        id: newId("price"),
        object: "price",
        active: bool(params, "active") ?? true,
        created: nowSeconds(),
        currency,
        lookup_key: lookupKey,
        metadata,
        nickname: str(params, "nickname") || null,
        product: productId!,
        recurring,
        tax_behavior: (str(params, "tax_behavior") as string | undefined) ?? "unspecified",
        type: recurring ? "recurring" : "one_time",
        unit_amount: amount,
        unit_amount_decimal: String(amount),
        ...priceDefaults(),
      };
      if (holder) this.moveLookupKey(holder);
      this.store.put("price", price);
      this.emit("price.created", price);
      return price;
    });
  }

  private priceByLookupKey(key: string): Price | undefined {
    return this.store.all<Price>("price").find((p) => p.lookup_key === key);
  }

  private moveLookupKey(holder: Price): void {
    const before = clone(holder);
    holder.lookup_key = null;
    this.emit("price.updated", holder, before);
  }

  updatePrice(id: string, params: Params): Price {
    const price = this.price(id);
    const before = clone(price);
    const active = bool(params, "active");
    const lookupKeyParam = str(params, "lookup_key");
    const transfer = bool(params, "transfer_lookup_key") ?? false;
    const holder = lookupKeyParam ? this.priceByLookupKey(lookupKeyParam) : undefined;
    if (holder && holder.id !== price.id && !transfer) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses the lookup key \`${lookupKeyParam}\`. Pass \`transfer_lookup_key=true\` to move it to this price.`,
        "lookup_key",
      );
    }
    const metadata = applyMetadata(price.metadata, params);
    return this.flow(() => {
      if (holder && holder.id !== price.id) this.moveLookupKey(holder);
      if (active !== undefined) price.active = active;
      if (lookupKeyParam !== undefined) price.lookup_key = lookupKeyParam || null;
      const nickname = str(params, "nickname");
      if (nickname !== undefined) price.nickname = nickname || null;
      price.metadata = metadata;
      this.emit("price.updated", price, before);
      return price;
    });
  }

  // ---------------------------------------------------------------- customers

  createCustomer(params: Params): Customer {
    const clockId = str(params, "test_clock") || null;
    // A customer on a test clock is created at the clock's time.
    if (clockId) return atTime(this.clocks.get(clockId).frozen_time, () => this.newCustomer(params, clockId));
    return this.newCustomer(params, null);
  }

  private newCustomer(params: Params, clockId: string | null): Customer {
    const email = str(params, "email");
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw invalidRequest(`Invalid email address: ${email}`, "email", "email_invalid");
    const customer: Customer = {
      id: newId("cus"),
      object: "customer",
      balance: int(params, "balance") ?? 0,
      created: nowSeconds(),
      description: str(params, "description") || null,
      email: email || null,
      invoice_prefix: newId("x", 8).slice(2).toUpperCase(),
      metadata: applyMetadata({}, params),
      name: str(params, "name") || null,
      phone: str(params, "phone") || null,
      preferred_locales: strList(params, "preferred_locales") ?? [],
      ...customerDefaults(),
      test_clock: clockId,
    };
    const attach = str(params, "payment_method") || null;
    const settings = obj(params, "invoice_settings");
    return this.flow(() => {
      this.store.put("customer", customer);
      // `payment_method`: attached at creation (as Stripe does, before customer.created is sent).
      if (attach) this.paymentMethods.attach(attach, customer.id);
      const own = attach ? this.paymentMethods.ofCustomer(customer.id).at(-1)?.id : undefined;
      const wanted = settings
        ? str(settings, "default_payment_method", "invoice_settings[default_payment_method]")
        : undefined;
      this.paymentMethods.setDefault(customer, wanted !== undefined && attach === wanted ? own : wanted);
      this.emit("customer.created", customer);
      return customer;
    });
  }

  updateCustomer(id: string, params: Params): Customer {
    const customer = this.customer(id);
    const before = clone(customer);
    const email = str(params, "email");
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw invalidRequest(`Invalid email address: ${email}`, "email", "email_invalid");
    const metadata = applyMetadata(customer.metadata, params);
    return this.flow(() => {
      if (email !== undefined) customer.email = email || null;
      const name = str(params, "name");
      if (name !== undefined) customer.name = name || null;
      const description = str(params, "description");
      if (description !== undefined) customer.description = description || null;
      const phone = str(params, "phone");
      if (phone !== undefined) customer.phone = phone || null;
      customer.metadata = metadata;
      const settings = obj(params, "invoice_settings");
      if (settings) {
        this.paymentMethods.setDefault(
          customer,
          str(settings, "default_payment_method", "invoice_settings[default_payment_method]"),
        );
      }
      this.emit("customer.updated", customer, before);
      return customer;
    });
  }

  /**
   * Stripe's search query language, the subset used for customers: clauses `field:'value'` joined
   * by AND, fields `email`, `name`, `phone`, `metadata['key']` (exact match; `~` for substring).
   */
  searchCustomers(query: string): Customer[] {
    const clauses = query
      .split(/\s+AND\s+/i)
      .map((c) => c.trim())
      .filter(Boolean);
    if (clauses.length === 0) throw missingParam("query");
    const tests = clauses.map((clause) => {
      const m = /^(email|name|phone|metadata\[['"]([^'"]+)['"]\])\s*(:|~)\s*['"](.*)['"]$/.exec(clause);
      if (!m) {
        throw invalidRequest(
          `The simulator cannot parse the search query clause "${clause}" (supported: email, name, phone, metadata['key'] with : or ~, joined by AND).`,
          "query",
        );
      }
      const [, field, metaKey, op, value] = m as unknown as [string, string, string | undefined, string, string];
      return (c: Customer) => {
        const actual = metaKey !== undefined ? c.metadata[metaKey] : (c[field] as string | null | undefined);
        if (actual === undefined || actual === null) return false;
        return op === ":" ? actual === value : actual.toLowerCase().includes(value.toLowerCase());
      };
    });
    return this.store.all<Customer>("customer").filter((c) => tests.every((t) => t(c)));
  }

  // ---------------------------------------------------------------- checkout sessions

  createCheckoutSession(params: Params): CheckoutSession {
    return atTime(this.clocks.timeOfCustomer(str(params, "customer")), () => this.newCheckoutSession(params));
  }

  private newCheckoutSession(params: Params): CheckoutSession {
    const mode = oneOf(params, "mode", ["payment", "subscription", "setup"] as const);
    if (!mode) throw missingParam("mode");
    if (mode === "setup")
      throw invalidRequest("The simulator supports `payment` and `subscription` modes only.", "mode");
    const customerId = str(params, "customer") || null;
    const customerEmail = str(params, "customer_email") || null;
    if (customerId && customerEmail) {
      throw invalidRequest("You may only specify one of these parameters: customer, customer_email.", "customer_email");
    }
    const existingCustomer = customerId ? this.customer(customerId, "customer") : null;
    const taxSettings = parseCheckoutTaxSettings(params, mode, existingCustomer);
    const sessionCoupon = this.sessionCoupon(taxSettings.discount);
    const uiMode = str(params, "ui_mode");
    if (uiMode && uiMode !== "hosted" && uiMode !== "hosted_page") {
      throw invalidRequest("The simulator supports hosted Checkout only (ui_mode=hosted).", "ui_mode");
    }
    const successUrl = str(params, "success_url") || null;
    const cancelUrl = str(params, "cancel_url") || null;
    for (const [name, url] of [
      ["success_url", successUrl],
      ["cancel_url", cancelUrl],
    ] as const) {
      if (url && !/^https?:\/\//.test(url)) throw invalidRequest(`Not a valid URL`, name, "url_invalid");
    }
    const rawItems = arr(params, "line_items");
    if (!rawItems || rawItems.length === 0) throw missingParam("line_items");
    const items = rawItems.map((raw, i) => {
      const p = `line_items[${i}]`;
      if (!isObject(raw)) throw invalidRequest(`Invalid object`, p);
      if (raw.price_data !== undefined)
        throw invalidRequest("The simulator supports `price` line items only (no price_data).", `${p}[price_data]`);
      const priceId = requiredStr(raw, "price", `${p}[price]`);
      const price = this.price(priceId, `${p}[price]`);
      if (!price.active)
        throw invalidRequest("The price specified is inactive. This field only accepts active prices.", `${p}[price]`);
      const quantity = int(raw, "quantity", `${p}[quantity]`);
      if (quantity === undefined) throw missingParam(`${p}[quantity]`);
      if (quantity < 1) throw invalidRequest("This value must be greater than or equal to 1.", `${p}[quantity]`);
      if (mode === "payment" && price.type === "recurring") {
        throw invalidRequest(
          "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
          `${p}[price]`,
        );
      }
      if (mode === "subscription" && price.type !== "recurring") {
        throw invalidRequest("The simulator supports recurring prices only in `subscription` mode.", `${p}[price]`);
      }
      return { price, quantity };
    });
    const currency = items[0]!.price.currency;
    if (items.some((i) => i.price.currency !== currency))
      throw invalidRequest("All prices must share one currency.", "line_items");
    if (mode === "subscription") {
      const first = items[0]!.price.recurring!;
      if (
        items.some(
          (i) =>
            i.price.recurring!.interval !== first.interval ||
            i.price.recurring!.interval_count !== first.interval_count,
        )
      ) {
        throw invalidRequest("All recurring prices must have the same billing interval.", "line_items");
      }
    }
    const subscriptionData = obj(params, "subscription_data");
    const paymentIntentData = obj(params, "payment_intent_data");
    if (mode === "payment" && subscriptionData) {
      throw invalidRequest("You can not pass `subscription_data` in `payment` mode.", "subscription_data");
    }
    if (mode === "subscription" && paymentIntentData) {
      throw invalidRequest("You can not pass `payment_intent_data` in `subscription` mode.", "payment_intent_data");
    }
    const metadata = applyMetadata({}, params);
    const subscriptionMetadata = subscriptionData ? applyMetadata({}, subscriptionData) : {};
    const paymentIntentMetadata = paymentIntentData ? applyMetadata({}, paymentIntentData) : {};
    // payment_intent_data[setup_future_usage]: the card paid with is saved on the customer.
    const setupFutureUsage = paymentIntentData
      ? (oneOf(
          paymentIntentData,
          "setup_future_usage",
          ["on_session", "off_session"] as const,
          "payment_intent_data[setup_future_usage]",
        ) ?? null)
      : null;
    const clientReferenceId = str(params, "client_reference_id") || null;
    if (clientReferenceId && clientReferenceId.length > 200)
      throw invalidRequest("client_reference_id must be at most 200 characters.", "client_reference_id");
    const expiresAt = int(params, "expires_at");
    const now = nowSeconds();
    const id = newId("cs_test", 58);
    const lineItems: CheckoutLineItem[] = items.map(({ price, quantity }) => ({
      id: newId("li"),
      object: "item",
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: price.unit_amount * quantity,
      amount_tax: 0,
      amount_total: price.unit_amount * quantity,
      currency,
      description: this.productName(price),
      metadata: {},
      price: clone(price),
      quantity,
    }));
    const total = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
    const session: CheckoutSession = {
      id,
      object: "checkout.session",
      allow_promotion_codes: bool(params, "allow_promotion_codes") ?? null,
      amount_subtotal: total,
      amount_total: total,
      cancel_url: cancelUrl,
      client_reference_id: clientReferenceId,
      created: now,
      currency,
      customer: customerId,
      customer_creation: customerId
        ? null
        : mode === "subscription"
          ? "always"
          : ((str(params, "customer_creation") as string | undefined) ?? "if_required"),
      customer_email: customerEmail,
      expires_at: expiresAt ?? now + DAY,
      invoice_creation:
        mode === "payment"
          ? {
              enabled: false,
              invoice_data: {
                account_tax_ids: null,
                custom_fields: null,
                description: null,
                footer: null,
                issuer: null,
                metadata: {},
                rendering_options: null,
              },
            }
          : null,
      metadata,
      mode,
      payment_method_collection: mode === "subscription" ? "always" : null,
      success_url: successUrl,
      url: `${this.options.publicUrl()}/c/pay/${id}`,
      customer_details: null,
      invoice: null,
      payment_intent: null,
      payment_status: "unpaid",
      status: "open",
      subscription: null,
      ...checkoutSessionDefaults(),
      locale: oneOf(params, "locale", CHECKOUT_LOCALES) ?? null,
    };
    Object.assign(session, sessionTaxFields(taxSettings));
    if (mode === "payment") (session.invoice_creation as { enabled: boolean }).enabled = taxSettings.invoiceCreation;
    if (sessionCoupon) {
      session.discounts = [{ coupon: sessionCoupon.coupon.id, promotion_code: sessionCoupon.promo?.id ?? null }];
    }
    applySessionAmounts(
      session,
      lineItems,
      lineAmounts(items, {
        coupon: sessionCoupon?.coupon ?? null,
        currency,
        automaticTax: false,
        country: null,
        vatId: null,
      }),
    );
    this.adjustments.setSessionSettings(id, taxSettings);
    this.store.put("checkout.session", session);
    this.sessionLineItems.set(id, lineItems);
    this.sessionExtras.set(id, { subscriptionMetadata, paymentIntentMetadata, setupFutureUsage });
    return session;
  }

  private readonly sessionExtras = new Map<
    string,
    { subscriptionMetadata: Metadata; paymentIntentMetadata: Metadata; setupFutureUsage: string | null }
  >();

  expireCheckoutSession(id: string): CheckoutSession {
    const session = this.checkoutSession(id);
    if (session.status !== "open") {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    }
    return this.flow(() => {
      session.status = "expired";
      session.url = null;
      this.emit("checkout.session.expired", session);
      return session;
    });
  }

  /** Whether completing this payment-mode session saves the card (`payment_intent_data[setup_future_usage]`). */
  savesCard(sessionId: string): boolean {
    return Boolean(this.sessionExtras.get(sessionId)?.setupFutureUsage);
  }

  /** The success URL with `{CHECKOUT_SESSION_ID}` replaced, as Stripe redirects to it. */
  successRedirect(session: CheckoutSession): string | null {
    return session.success_url ? session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", session.id) : null;
  }

  /**
   * Completes an open session as the hosted page's buttons do. `paid`: the payment succeeds at once.
   * `async_success` / `async_failure`: a delayed method — the session completes with
   * `payment_status: 'unpaid'`, and the result arrives later (`resolveAsyncPayment`, or by itself
   * after `asyncPaymentDelayMs`). `declined`: the card is declined, the session stays open.
   */
  completeCheckout(id: string, outcome: CheckoutOutcome, details: CheckoutDetails = {}): CheckoutSession {
    const customer = this.checkoutSession(id).customer;
    return atTime(this.clocks.timeOfCustomer(customer), () => this.completeCheckoutAt(id, outcome, details));
  }

  private completeCheckoutAt(id: string, outcome: CheckoutOutcome, details: CheckoutDetails): CheckoutSession {
    const session = this.checkoutSession(id);
    if (session.status !== "open") {
      throw invalidRequest(
        `This Checkout Session is no longer active (status: ${session.status}).`,
        "session",
        "checkout_session_inactive",
      );
    }
    if (session.expires_at < nowSeconds()) {
      this.expireCheckoutSession(id);
      throw invalidRequest("This Checkout Session has expired.", "session", "checkout_session_inactive");
    }
    if (!CHECKOUT_OUTCOMES.includes(outcome)) throw invalidRequest(`Unknown outcome: ${String(outcome)}`, "outcome");
    if (outcome === "declined") {
      throw new StripeError(
        402,
        "card_error",
        "Your card was declined.",
        "card_declined",
        undefined,
        "generic_decline",
      );
    }
    const extras = this.sessionExtras.get(id) ?? {
      subscriptionMetadata: {},
      paymentIntentMetadata: {},
      setupFutureUsage: null,
    };
    const delayed = outcome !== "paid";
    // The card typed on the page (a test card number or test PaymentMethod id; default Visa 4242):
    // a declining card is declined like the "Card declined" button; a card that needs 3-D Secure
    // is taken as authenticated by the buyer, here on session.
    const cardNumber = checkoutCardNumber(details.card);
    if (!delayed && TEST_CARDS[cardNumber]?.behavior === "declined") {
      throw new StripeError(
        402,
        "card_error",
        "Your card was declined.",
        "card_declined",
        undefined,
        "generic_decline",
      );
    }
    const buyer = this.checkoutBuyer(session, details);
    return this.flow(() => {
      this.applyBuyerAmounts(session, buyer);
      let customer = session.customer ? this.customer(session.customer) : null;
      const created = !customer;
      if (!customer && (session.customer_creation === "always" || extras.setupFutureUsage)) {
        customer = this.createCustomer({
          email: session.customer_email ?? "customer@example.com",
          name: "Simulated Customer",
        });
      }
      session.customer = customer?.id ?? null;
      session.customer_details = {
        address: buyer.address,
        business_name: null,
        email: customer?.email ?? session.customer_email ?? "customer@example.com",
        individual_name: null,
        name: buyer.name ?? customer?.name ?? "Simulated Customer",
        phone: null,
        tax_exempt: buyer.reverseCharge ? "reverse" : "none",
        tax_ids: buyer.taxIds,
      };
      if (customer) this.applyBuyerToCustomer(session, customer, buyer, created);
      // The card, saved on the customer for a subscription (Stripe saves it for the renewals) and
      // for a payment with setup_future_usage.
      const card = delayed
        ? null
        : this.paymentMethods.fromCard(cardNumber, {
            name: buyer.name ?? customer?.name ?? null,
            email: customer?.email ?? session.customer_email,
            address: buyer.address as JsonObject | null,
          });
      if (card && customer && (session.mode === "subscription" || extras.setupFutureUsage)) {
        this.paymentMethods.attach(card.id, customer.id);
      }
      session.status = "complete";
      session.url = null;
      if (session.amount_total === 0) {
        // Nothing to charge (a 100%-off code): Checkout completes without a payment.
        if (session.mode === "payment") {
          session.payment_status = "no_payment_required";
          this.emit("checkout.session.completed", session);
          this.createPaymentInvoice(session, null);
          return session;
        }
      }
      if (session.mode === "payment") {
        const amount = session.amount_total;
        const { intent, charge } = this.createPayment({
          amount,
          currency: session.currency,
          customer: session.customer,
          metadata: extras.paymentIntentMetadata,
          description: null,
          result: delayed ? "processing" : "succeeded",
        });
        session.payment_intent = intent.id;
        session.payment_status = delayed ? "unpaid" : "paid";
        if (card) useCard(intent, charge, card, extras.setupFutureUsage);
        if (delayed) {
          this.emit("payment_intent.processing", intent);
        } else {
          this.emit("payment_intent.succeeded", intent);
          this.emit("charge.succeeded", charge);
        }
      } else {
        const sub = this.createSubscription(session, customer!, extras.subscriptionMetadata, delayed, card?.id);
        session.subscription = sub.id;
        session.invoice = sub.latest_invoice;
        session.payment_status = delayed ? "unpaid" : session.amount_total === 0 ? "no_payment_required" : "paid";
      }
      this.emit("checkout.session.completed", session);
      if (session.mode === "payment" && !delayed) this.createPaymentInvoice(session, session.payment_intent);
      if (delayed) this.scheduleAsync(session.id, outcome === "async_success" ? "succeeded" : "failed");
      return session;
    });
  }

  private scheduleAsync(sessionId: string, result: "succeeded" | "failed"): void {
    const delay = this.options.asyncPaymentDelayMs;
    const pending: PendingAsync = { result, timer: null };
    if (delay !== null && Number.isFinite(delay)) {
      pending.timer = setTimeout(() => {
        try {
          this.resolveAsyncPayment(sessionId);
        } catch {
          // reset() or a manual resolution won the race: nothing left to do.
        }
      }, delay);
      pending.timer.unref?.();
    }
    this.pendingAsync.set(sessionId, pending);
  }

  /** Session ids whose delayed payment has not resolved yet. */
  pendingAsyncPayments(): string[] {
    return [...this.pendingAsync.keys()];
  }

  /**
   * Resolves a delayed payment now (as chosen on the checkout page, or `result` to override):
   * fires `checkout.session.async_payment_succeeded` or `_failed` after the payment's own events.
   */
  resolveAsyncPayment(sessionId: string, result?: "succeeded" | "failed"): CheckoutSession {
    const session = this.checkoutSession(sessionId);
    const pending = this.pendingAsync.get(sessionId);
    if (!pending) throw invalidRequest(`Checkout Session ${sessionId} has no pending delayed payment.`, "session");
    if (pending.timer) clearTimeout(pending.timer);
    this.pendingAsync.delete(sessionId);
    const outcome = result ?? pending.result;
    return this.flow(() => {
      if (session.mode === "payment") {
        const intent = this.mustGet<PaymentIntent>("payment_intent", session.payment_intent!, "payment_intent");
        const charge = this.charge(intent.latest_charge!);
        settlePayment(intent, charge, outcome);
        if (outcome === "succeeded") {
          session.payment_status = "paid";
          this.emit("payment_intent.succeeded", intent);
          this.emit("charge.succeeded", charge);
          this.createPaymentInvoice(session, intent.id);
        } else {
          this.emit("payment_intent.payment_failed", intent);
          this.emit("charge.failed", charge);
        }
      } else {
        const sub = this.subscription(session.subscription!);
        const invoice = this.invoice(sub.latest_invoice!);
        const before = clone(sub);
        if (outcome === "succeeded") {
          this.markInvoicePaid(invoice);
          sub.status = "active";
          session.payment_status = "paid";
          this.emit("invoice.paid", invoice);
          this.emit("invoice.payment_succeeded", invoice);
          this.emit("customer.subscription.updated", sub, before);
        } else {
          this.markInvoiceFailed(invoice);
          this.emit("invoice.payment_failed", invoice);
        }
      }
      this.emit(
        outcome === "succeeded" ? "checkout.session.async_payment_succeeded" : "checkout.session.async_payment_failed",
        session,
      );
      return session;
    });
  }

  // ---------------------------------------------------------------- tax, discounts, post-payment invoices

  /** The coupon (and promotion code) named by `discounts[0]` at session creation. */
  private sessionCoupon(
    discount: { coupon?: string; promotion_code?: string } | null,
  ): { coupon: Coupon; promo: PromotionCode | null } | null {
    if (!discount) return null;
    if (discount.coupon)
      return { coupon: this.adjustments.coupon(discount.coupon, "discounts[0][coupon]"), promo: null };
    const promo = this.mustGet<PromotionCode>(
      "promotion_code",
      discount.promotion_code!,
      "promotion_code",
      "discounts[0][promotion_code]",
    );
    return { coupon: this.adjustments.coupon(promo.promotion.coupon), promo };
  }

  /**
   * The buyer's address, name, VAT id and promotion code, checked before anything changes, and
   * the session's amounts for them: a code only where promotion codes are allowed, a tax id only
   * where it is collected (an EU VAT number), a country always (US when a test gives none).
   */
  private checkoutBuyer(session: CheckoutSession, details: CheckoutDetails) {
    const settings = this.adjustments.sessionSettings(session.id);
    const address = details.address ?? tax.address({ country: "US", postal_code: "10001" });
    if (!/^[A-Z]{2}$/.test(address.country)) throw invalidRequest("Enter your country.", "address[country]");
    let vat: string | null = null;
    if (details.taxId?.trim()) {
      if (!settings?.taxIdCollection) throw invalidRequest("This session does not collect tax ids.", "tax_id");
      if (!tax.euVatCountry(details.taxId))
        throw invalidRequest("Your VAT number is invalid.", "tax_id", "tax_id_invalid");
      vat = details.taxId.replace(/[\s.-]/g, "").toUpperCase();
    }
    let code: { coupon: Coupon; promo: PromotionCode | null } | null = this.sessionCoupon(settings?.discount ?? null);
    if (details.promotionCode?.trim()) {
      if (!settings?.allowPromotionCodes)
        throw invalidRequest("This session does not accept promotion codes.", "promotion_code");
      code = this.adjustments.redeemableCode(details.promotionCode);
    }
    const items = this.lineItemsOf(session.id);
    const amounts = lineAmounts(
      items.map((li) => ({ price: li.price, quantity: li.quantity })),
      {
        coupon: code?.coupon ?? null,
        currency: session.currency,
        automaticTax: settings?.automaticTax ?? false,
        country: address.country,
        vatId: vat,
      },
    );
    const sum = (f: (a: (typeof amounts)[number]) => number) => amounts.reduce((total, a) => total + f(a), 0);
    return {
      address,
      name: details.name?.trim() || null,
      taxIds: vat ? [{ type: "eu_vat", value: vat }] : [],
      reverseCharge: amounts.some((a) => a.reason === "reverse_charge"),
      code,
      amounts,
      totals: {
        subtotal: sum((a) => a.subtotal),
        discount: sum((a) => a.discount),
        tax: sum((a) => a.tax),
        total: sum((a) => a.total),
      },
    };
  }

  /** What the checkout page shows for the entered address and code, without changing the session (throws for a bad code or VAT id). */
  previewCheckout(id: string, details: CheckoutDetails) {
    return this.checkoutBuyer(this.checkoutSession(id), details).totals;
  }

  /** The buyer's amounts and code become the session's (at completion). */
  private applyBuyerAmounts(session: CheckoutSession, buyer: ReturnType<StripeEngine["checkoutBuyer"]>): void {
    applySessionAmounts(session, this.lineItemsOf(session.id), buyer.amounts);
    const settings = this.adjustments.sessionSettings(session.id);
    if (settings?.automaticTax) (session.automatic_tax as { status: string }).status = "complete";
    if (buyer.code) {
      this.adjustments.redeem(buyer.code.coupon, buyer.code.promo);
      session.discounts = [{ coupon: buyer.code.coupon.id, promotion_code: buyer.code.promo?.id ?? null }];
    }
  }

  /** `customer_update[address|name]=auto`: what was entered is saved on the customer. */
  private applyBuyerToCustomer(
    session: CheckoutSession,
    customer: Customer,
    buyer: ReturnType<StripeEngine["checkoutBuyer"]>,
    created: boolean,
  ): void {
    const settings = this.adjustments.sessionSettings(session.id);
    const before = clone(customer);
    // Checkout saves the address on a customer it creates (no event of its own: the customer is
    // made with it), and on an existing one with `customer_update[address]=auto`.
    if (settings?.customerUpdate.address || created) customer.address = buyer.address;
    if (settings?.customerUpdate.name && buyer.name) customer.name = buyer.name;
    if (buyer.reverseCharge) customer.tax_exempt = "reverse";
    this.adjustments.setTaxIds(customer.id, buyer.taxIds);
    if (!created && JSON.stringify(before) !== JSON.stringify(customer))
      this.emit("customer.updated", customer, before);
  }

  /** A new subscription takes the session's discount (a Discount object) and its automatic tax. */
  private attachSessionAdjustments(session: CheckoutSession, sub: Subscription): void {
    const settings = this.adjustments.sessionSettings(session.id);
    const first = (session.discounts as Array<{ coupon: string; promotion_code: string | null }> | undefined)?.[0];
    let discountId = "";
    if (first) {
      const coupon = this.adjustments.coupon(first.coupon);
      const discount = discountObject({
        coupon,
        promotionCode: first.promotion_code,
        customer: sub.customer,
        subscription: sub.id,
        end: null,
      });
      this.store.put("discount", discount);
      discountId = discount.id;
      sub.discounts = [discount.id];
    }
    if (settings?.automaticTax)
      sub.automatic_tax = { disabled_reason: null, enabled: true, liability: { type: "self" } };
    this.adjustments.attachToSubscription(sub.id, discountId, first?.coupon ?? "", settings?.automaticTax ?? false);
  }

  private invoiceTaxFields(customer: Customer, adjustment: InvoiceAdjustment, automaticTax: boolean): JsonObject {
    return {
      ...invoiceAdjustmentFields(adjustment, automaticTax),
      customer_address: (customer.address as Json) ?? null,
      customer_tax_ids: this.adjustments.taxIdsOf(customer.id),
      customer_tax_exempt: (customer.tax_exempt as string | undefined) ?? "none",
    };
  }

  /** Stripe reports an invoice's tax and discount per line too: here on the first line that carries them. */
  private spreadAdjustmentOnLines(lines: InvoiceLine[], adjustment: InvoiceAdjustment): void {
    const line = lines.find((l) => l.discountable) ?? lines[0];
    if (!line) return;
    if (adjustment.discount)
      line.discount_amounts = [{ amount: adjustment.discount.amount, discount: adjustment.discount.discountId }];
    if (adjustment.discount) line.discounts = [adjustment.discount.discountId];
    if (adjustment.tax)
      line.taxes = [
        {
          amount: adjustment.tax.amount,
          tax_behavior: adjustment.tax.behavior,
          tax_rate_details: { tax_rate: adjustment.tax.rateId },
          taxability_reason: adjustment.tax.reason,
          taxable_amount: adjustment.tax.taxable,
          type: "tax_rate_details",
        },
      ];
  }

  /**
   * A paid payment-mode session with `invoice_creation[enabled]`: Stripe issues a post-payment
   * invoice (`billing_reason: "manual"`, no parent), paid, with the session's lines, discount and
   * tax; `session.invoice` names it. Events: invoice.created, .finalized, .paid, .payment_succeeded.
   */
  private createPaymentInvoice(session: CheckoutSession, paymentIntentId: string | null): void {
    const settings = this.adjustments.sessionSettings(session.id);
    if (session.mode !== "payment" || !settings?.invoiceCreation || !session.customer) return;
    const customer = this.customer(session.customer);
    const now = nowSeconds();
    const id = newId("in");
    const items = this.lineItemsOf(session.id);
    const first = (session.discounts as Array<{ coupon: string; promotion_code: string | null }> | undefined)?.[0];
    let discount: InvoiceAdjustment["discount"] = null;
    if (first) {
      const record = discountObject({
        coupon: this.adjustments.coupon(first.coupon),
        promotionCode: first.promotion_code,
        customer: customer.id,
        checkoutSession: session.id,
        invoice: id,
        end: null,
      });
      this.store.put("discount", record);
      discount = {
        amount: (session.total_details as { amount_discount: number }).amount_discount,
        discountId: record.id,
      };
    }
    const subtotal = items.reduce((sum, li) => sum + li.amount_subtotal, 0);
    const vat = this.adjustments.taxIdsOf(customer.id)[0]?.value ?? null;
    const address = (session.customer_details as { address: tax.Address } | null)?.address ?? null;
    const adjustment = this.adjustments.build(subtotal, discount, settings.automaticTax, address, items[0]?.price, vat);
    this.invoiceCounter += 1;
    const lines: InvoiceLine[] = items.map((li) => ({
      id: newId("il"),
      object: "line_item",
      amount: li.amount_subtotal,
      currency: session.currency,
      description: li.description,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: {
        type: "invoice_item_details",
        invoice_item_details: {
          invoice_item: newId("ii"),
          proration: false,
          proration_details: { credited_items: null },
          subscription: null,
        },
        subscription_item_details: null,
      },
      period: { start: now, end: now },
      pretax_credit_amounts: [],
      pricing: {
        type: "price_details",
        price_details: { price: li.price.id, product: li.price.product },
        unit_amount_decimal: String(li.price.unit_amount),
      },
      quantity: li.quantity,
      quantity_decimal: String(li.quantity),
      subscription: null,
      subtotal: li.amount_subtotal,
      taxes: [],
    }));
    this.spreadAdjustmentOnLines(lines, adjustment);
    const invoice: Invoice = {
      id,
      object: "invoice",
      amount_due: adjustment.total,
      amount_paid: adjustment.total,
      amount_remaining: 0,
      attempt_count: adjustment.total > 0 ? 1 : 0,
      attempted: true,
      billing_reason: "manual",
      created: now,
      currency: session.currency,
      customer: customer.id,
      customer_email: customer.email,
      customer_name: customer.name,
      effective_at: now,
      ending_balance: customer.balance,
      hosted_invoice_url: `${this.options.publicUrl()}/invoices/${id}`,
      invoice_pdf: `${this.options.publicUrl()}/invoices/${id}/pdf`,
      lines: {
        object: "list",
        data: lines,
        has_more: false,
        total_count: lines.length,
        url: `/v1/invoices/${id}/lines`,
      },
      next_payment_attempt: null,
      number: `SIM-${String(this.invoiceCounter).padStart(4, "0")}`,
      parent: null,
      period_end: now,
      period_start: now,
      starting_balance: customer.balance,
      status: "paid",
      status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: now, voided_at: null },
      total: adjustment.total,
      webhooks_delivered_at: now,
      ...invoiceDefaults(),
      test_clock: (customer.test_clock as string | null | undefined) ?? null,
      ...this.invoiceTaxFields(customer, adjustment, settings.automaticTax),
      metadata: { ...session.metadata },
    };
    this.store.put("invoice", invoice);
    if (paymentIntentId) {
      this.invoicePayments.set(id, [
        {
          id: newId("inpay"),
          object: "invoice_payment",
          amount_paid: adjustment.total,
          amount_requested: adjustment.total,
          created: now,
          currency: session.currency,
          invoice: id,
          is_default: true,
          livemode: false,
          payment: { type: "payment_intent", payment_intent: paymentIntentId },
          status: "paid",
          status_transitions: { canceled_at: null, paid_at: now },
        },
      ]);
    }
    session.invoice = id;
    this.emit("invoice.created", this.invoiceCreatedSnapshot(invoice));
    this.emit("invoice.finalized", invoice);
    this.emit("invoice.paid", invoice);
    this.emit("invoice.payment_succeeded", invoice);
  }

  /** `POST /v1/coupons`. */
  createCoupon(params: Params): Coupon {
    const coupon = newCoupon(params, (id) => Boolean(this.store.get("coupon", id)));
    return this.flow(() => {
      this.store.put("coupon", coupon);
      this.emit("coupon.created", coupon);
      return coupon;
    });
  }

  /** `POST /v1/promotion_codes`. */
  createPromotionCode(params: Params): PromotionCode {
    const promo = newPromotionCode(
      params,
      (id) => this.adjustments.coupon(id, "promotion[coupon]"),
      (code) => this.store.all<PromotionCode>("promotion_code").some((p) => p.active && p.code === code),
    );
    return this.flow(() => {
      this.store.put("promotion_code", promo);
      this.emit("promotion_code.created", promo);
      return promo;
    });
  }

  // ---------------------------------------------------------------- payments

  /** A payment (PaymentIntent + Charge), stored. */
  private createPayment(input: Omit<Parameters<typeof newPayment>[0], "publicUrl">): {
    intent: PaymentIntent;
    charge: Charge;
  } {
    const payment = newPayment({ ...input, publicUrl: this.options.publicUrl() });
    this.store.put("payment_intent", payment.intent);
    this.store.put("charge", payment.charge);
    return payment;
  }

  /** `POST /v1/payment_intents` at the customer's (test clock) time. */
  createPaymentIntent(params: Params): PaymentIntent {
    const customer = str(params, "customer") || null;
    return atTime(this.clocks.timeOfCustomer(customer), () => this.paymentIntents.create(params));
  }

  confirmPaymentIntent(id: string, params: Params): PaymentIntent {
    const customer = this.paymentIntents.get(id).customer;
    return atTime(this.clocks.timeOfCustomer(customer), () => this.paymentIntents.confirm(id, params));
  }

  /** Arms `times` payment failures for the customer's next invoice payment attempts (renewals, proration invoices, `payInvoice`). */
  failNextPayment(customerId: string, times = 1): void {
    this.customer(customerId, "customer");
    this.failPayments.set(customerId, (this.failPayments.get(customerId) ?? 0) + times);
  }

  /** Arms `times` processing payments: the customer's next invoice payment attempts stay `processing` (a SEPA / ACH debit) until `settleInvoicePayment`. */
  delayNextPayment(customerId: string, times = 1): void {
    this.customer(customerId, "customer");
    this.delayPayments.set(customerId, (this.delayPayments.get(customerId) ?? 0) + times);
  }

  private takeDelay(customerId: string): boolean {
    const left = this.delayPayments.get(customerId) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.delayPayments.delete(customerId);
    else this.delayPayments.set(customerId, left - 1);
    return true;
  }

  private takeFailure(customerId: string): boolean {
    const left = this.failPayments.get(customerId) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.failPayments.delete(customerId);
    else this.failPayments.set(customerId, left - 1);
    return true;
  }

  // ---------------------------------------------------------------- subscriptions and invoices

  private planOf(price: Price): JsonObject {
    return {
      id: price.id,
      object: "plan",
      active: price.active,
      amount: price.unit_amount,
      amount_decimal: String(price.unit_amount),
      billing_scheme: "per_unit",
      created: price.created as number,
      currency: price.currency,
      interval: price.recurring!.interval,
      interval_count: price.recurring!.interval_count,
      livemode: false,
      metadata: { ...price.metadata },
      meter: null,
      nickname: price.nickname,
      product: price.product,
      tiers_mode: null,
      transform_usage: null,
      trial_period_days: null,
      usage_type: "licensed",
    };
  }

  private newItem(subscriptionId: string, price: Price, quantity: number, start: number): SubscriptionItem {
    return {
      id: newId("si"),
      object: "subscription_item",
      billing_thresholds: null,
      created: nowSeconds(),
      current_period_end: addInterval(start, price.recurring!),
      current_period_start: start,
      discounts: [],
      metadata: {},
      plan: this.planOf(price),
      price: clone(price),
      quantity,
      subscription: subscriptionId,
      tax_rates: [],
    };
  }

  private createSubscription(
    session: CheckoutSession,
    customer: Customer,
    metadata: Metadata,
    delayed: boolean,
    paymentMethod?: string,
  ): Subscription {
    const now = nowSeconds();
    const id = newId("sub");
    const items = this.lineItemsOf(session.id).map((li) => this.newItem(id, this.price(li.price.id), li.quantity, now));
    const sub: Subscription = {
      id,
      object: "subscription",
      billing_cycle_anchor: now,
      billing_mode: { flexible: { proration_discounts: "included" }, type: "flexible", updated_at: now },
      created: now,
      currency: session.currency,
      customer: customer.id,
      default_payment_method: paymentMethod ?? newId("pm"),
      items: {
        object: "list",
        data: items,
        has_more: false,
        total_count: items.length,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      metadata: { ...metadata },
      start_date: now,
      status: delayed ? "incomplete" : "active",
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      ended_at: null,
      latest_invoice: null,
      ...subscriptionDefaults(),
      test_clock: (customer.test_clock as string | null | undefined) ?? null,
    };
    this.store.put("subscription", sub);
    this.attachSessionAdjustments(session, sub);
    const invoice = this.buildInvoice(sub, "subscription_create", { start: now, end: now }, this.cycleLines(sub, []));
    sub.latest_invoice = invoice.id;
    this.emit("customer.subscription.created", sub);
    this.emit("invoice.created", this.invoiceCreatedSnapshot(invoice));
    this.emit("invoice.finalized", invoice);
    const { paid } = this.chargeInvoice(invoice, delayed ? "processing" : "succeeded");
    if (paid) {
      this.emit("invoice.paid", invoice);
      this.emit("invoice.payment_succeeded", invoice);
    }
    return sub;
  }

  /** One invoice line per subscription item for its current period, plus pending prorations. */
  private cycleLines(
    sub: Subscription,
    prorations: PendingProration[],
  ): Array<Omit<PendingProration, "amount"> & { amount: number; proration: boolean }> {
    return [
      ...prorations.map((p) => ({ ...p, proration: true })),
      ...sub.items.data.map((item) => ({
        amount: item.price.unit_amount * item.quantity,
        description: `${item.quantity} × ${this.productName(item.price)} (at ${formatAmount(item.price.unit_amount, item.price.currency)} / ${item.price.recurring!.interval})`,
        price: item.price,
        quantity: item.quantity,
        subscriptionItem: item.id,
        period: { start: item.current_period_start, end: item.current_period_end },
        proration: false,
      })),
    ];
  }

  /** A finalized (open) invoice for a subscription; `chargeInvoice` then pays or fails it. */
  private buildInvoice(
    sub: Subscription,
    billingReason: "subscription_create" | "subscription_cycle" | "subscription_update",
    period: { start: number; end: number },
    lines: Array<{
      amount: number;
      description: string;
      price: Price;
      quantity: number;
      subscriptionItem: string;
      period: { start: number; end: number };
      proration: boolean;
    }>,
  ): Invoice {
    const customer = this.customer(sub.customer);
    const now = nowSeconds();
    const id = newId("in");
    const adjustment = this.adjustments.forSubscriptionInvoice(
      sub.id,
      customer,
      lines,
      billingReason !== "subscription_update",
      sub.currency,
    );
    const total = adjustment.total;
    // A negative total (a downgrade's credit) goes to the customer's balance; nothing is due.
    const amountDue = Math.max(0, total + Math.min(0, customer.balance));
    const creditUsed = total > 0 ? Math.min(total, -Math.min(0, customer.balance)) : 0;
    const endingBalance = total < 0 ? customer.balance + total : customer.balance + creditUsed;
    const startingBalance = customer.balance;
    customer.balance = endingBalance;
    this.invoiceCounter += 1;
    const invoiceLines: InvoiceLine[] = lines.map((l) => ({
      id: newId("il"),
      object: "line_item",
      amount: l.amount,
      currency: sub.currency,
      description: l.description,
      discount_amounts: [],
      discountable: !l.proration,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: l.proration ? newId("ii") : null,
          proration: l.proration,
          proration_details: { credited_items: null },
          subscription: sub.id,
          subscription_item: l.subscriptionItem,
        },
      },
      period: { ...l.period },
      pretax_credit_amounts: [],
      pricing: {
        type: "price_details",
        price_details: { price: l.price.id, product: l.price.product },
        unit_amount_decimal: String(l.price.unit_amount),
      },
      quantity: l.quantity,
      quantity_decimal: String(l.quantity),
      subscription: sub.id,
      subtotal: l.amount,
      taxes: [],
    }));
    const invoice: Invoice = {
      id,
      object: "invoice",
      amount_due: amountDue,
      amount_remaining: amountDue,
      billing_reason: billingReason,
      created: now,
      currency: sub.currency,
      customer: customer.id,
      customer_email: customer.email,
      customer_name: customer.name,
      effective_at: now,
      ending_balance: endingBalance,
      hosted_invoice_url: `${this.options.publicUrl()}/invoices/${id}`,
      invoice_pdf: `${this.options.publicUrl()}/invoices/${id}/pdf`,
      lines: {
        object: "list",
        data: invoiceLines,
        has_more: false,
        total_count: invoiceLines.length,
        url: `/v1/invoices/${id}/lines`,
      },
      number: `SIM-${String(this.invoiceCounter).padStart(4, "0")}`,
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
      },
      period_end: period.end,
      period_start: period.start,
      starting_balance: startingBalance,
      status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
      subtotal: total,
      subtotal_excluding_tax: total,
      total,
      total_excluding_tax: total,
      webhooks_delivered_at: now,
      amount_paid: 0,
      attempt_count: 0,
      attempted: false,
      next_payment_attempt: null,
      status: "open",
      ...invoiceDefaults(),
      test_clock: (sub.test_clock as string | null | undefined) ?? null,
      ...this.invoiceTaxFields(
        customer,
        adjustment,
        Boolean(sub.automatic_tax && (sub.automatic_tax as { enabled?: boolean }).enabled),
      ),
    };
    this.spreadAdjustmentOnLines(invoiceLines, adjustment);
    this.store.put("invoice", invoice);
    return invoice;
  }

  /**
   * Attempts the invoice's payment: nothing due → paid at once; else a PaymentIntent + Charge that
   * succeed, fail (an armed `failNextPayment`), or stay processing (delayed method).
   */
  private chargeInvoice(
    invoice: Invoice,
    mode: "attempt" | "succeeded" | "processing",
  ): { paid: boolean; failed: boolean } {
    if (invoice.amount_due === 0) {
      this.markInvoicePaid(invoice);
      return { paid: true, failed: false };
    }
    // Only off-session attempts (renewals, prorations, retries) consume an armed failure; the
    // checkout page's outcome decides a checkout's first payment.
    const result =
      mode === "attempt"
        ? this.takeFailure(invoice.customer)
          ? "failed"
          : this.takeDelay(invoice.customer)
            ? "processing"
            : "succeeded"
        : mode;
    const description =
      invoice.billing_reason === "subscription_create"
        ? "Subscription creation"
        : invoice.billing_reason === "subscription_cycle"
          ? "Subscription update"
          : "Subscription update";
    const { intent } = this.createPayment({
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer,
      metadata: {},
      description,
      result,
    });
    const payments = this.invoicePayments.get(invoice.id) ?? [];
    payments.push({
      id: newId("inpay"),
      object: "invoice_payment",
      amount_paid: null,
      amount_requested: invoice.amount_due,
      created: nowSeconds(),
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: intent.id },
      status: "open",
      status_transitions: { canceled_at: null, paid_at: null },
    });
    this.invoicePayments.set(invoice.id, payments);
    if (result === "succeeded") {
      this.markInvoicePaid(invoice);
      return { paid: true, failed: false };
    }
    if (result === "failed") {
      this.markInvoiceFailed(invoice);
      return { paid: false, failed: true };
    }
    return { paid: false, failed: false };
  }

  private markInvoicePaid(invoice: Invoice): void {
    const now = nowSeconds();
    invoice.status = "paid";
    invoice.attempted = true;
    invoice.attempt_count += invoice.amount_due > 0 ? 1 : 0;
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    invoice.status_transitions = { ...invoice.status_transitions, paid_at: now };
    const payments = this.invoicePayments.get(invoice.id) ?? [];
    const last = payments[payments.length - 1];
    if (last) {
      last.status = "paid";
      last.amount_paid = invoice.amount_due;
      last.status_transitions = { canceled_at: null, paid_at: now };
      const intentId = (last.payment as { payment_intent: string }).payment_intent;
      const intent = this.store.get<PaymentIntent>("payment_intent", intentId);
      if (intent && intent.status !== "succeeded")
        settlePayment(intent, this.charge(intent.latest_charge!), "succeeded");
    }
  }

  private markInvoiceFailed(invoice: Invoice): void {
    invoice.attempted = true;
    invoice.attempt_count += 1;
    invoice.next_payment_attempt = nowSeconds() + 3 * DAY;
    const payments = this.invoicePayments.get(invoice.id) ?? [];
    const last = payments[payments.length - 1];
    if (last) {
      last.status = "failed";
      const intent = this.store.get<PaymentIntent>(
        "payment_intent",
        (last.payment as { payment_intent: string }).payment_intent,
      );
      if (intent && intent.status !== "requires_payment_method")
        settlePayment(intent, this.charge(intent.latest_charge!), "failed");
    }
  }

  private invoiceCreatedSnapshot(invoice: Invoice): StripeObject {
    return {
      ...clone(invoice),
      status: "draft",
      status_transitions: { ...invoice.status_transitions, finalized_at: null },
    };
  }

  /** The end of the subscription's current period (the latest item end). */
  periodEnd(sub: Subscription): number {
    return Math.max(...sub.items.data.map((i) => i.current_period_end));
  }

  periodStart(sub: Subscription): number {
    return Math.min(...sub.items.data.map((i) => i.current_period_start));
  }

  /**
   * The end of the current period arrives: a subscription set to cancel at period end is deleted;
   * any other live one renews — new period on every item, a `subscription_cycle` invoice charged
   * (paid, or failed → `past_due` when a failure is armed with `failNextPayment`).
   */
  advanceSubscription(id: string): Subscription {
    return atTime(this.clocks.timeOfCustomer(this.subscription(id).customer), () => this.advanceSubscriptionAt(id));
  }

  private advanceSubscriptionAt(id: string): Subscription {
    const sub = this.subscription(id);
    if (!["active", "past_due", "trialing", "unpaid"].includes(sub.status)) {
      throw invalidRequest(
        `Subscription ${id} is ${sub.status}; only a live subscription can move to its next period.`,
        "subscription",
      );
    }
    const end = this.periodEnd(sub);
    if (sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= end)) {
      return this.flow(() => {
        const before = clone(sub);
        sub.status = "canceled";
        sub.ended_at = sub.cancel_at ?? end;
        sub.canceled_at = sub.canceled_at ?? nowSeconds();
        if (sub.schedule) this.endSchedule(sub, "canceled");
        this.emit("customer.subscription.deleted", sub, before);
        return sub;
      });
    }
    return this.flow(() => {
      const before = clone(sub);
      const previousPeriod = { start: this.periodStart(sub), end };
      this.advanceSchedule(sub, end);
      for (const item of sub.items.data) {
        item.current_period_start = item.current_period_end;
        item.current_period_end = periodEndFromAnchor(
          (sub.billing_cycle_anchor as number | undefined) ?? item.current_period_start,
          item.current_period_start,
          item.price.recurring!,
        );
      }
      const prorations = this.pendingProrations.get(sub.id) ?? [];
      this.pendingProrations.delete(sub.id);
      const invoice = this.buildInvoice(sub, "subscription_cycle", previousPeriod, this.cycleLines(sub, prorations));
      sub.latest_invoice = invoice.id;
      this.collectRenewal(sub, invoice);
      this.emit("customer.subscription.updated", sub, before);
      return sub;
    });
  }

  /**
   * A shortcut older than the simulator's test clocks (`/v1/test_helpers/test_clocks`, which follow
   * Stripe): time moves to `to` (UNIX seconds) for the subscriptions' billing, and every live subscription
   * not on a test clock (those move with their clock)
   * whose period ends by then renews, period after period (monthly ones each month, yearly ones
   * after a year, days clamped from the anchor), in the order the periods end. Returns the renewals.
   */
  advanceClock(to: number): { subscription: string; periodStart: number }[] {
    const renewed: { subscription: string; periodStart: number }[] = [];
    for (;;) {
      const due = this.store
        .all<Subscription>("subscription")
        .filter((sub) => ["active", "trialing"].includes(sub.status) && !sub.test_clock && this.periodEnd(sub) <= to)
        .sort((x, y) => this.periodEnd(x) - this.periodEnd(y));
      const next = due[0];
      if (!next) return renewed;
      const sub = this.advanceSubscription(next.id);
      renewed.push({ subscription: sub.id, periodStart: this.periodStart(sub) });
    }
  }

  /**
   * Collects a renewal invoice as Stripe does, by the subscription's settings:
   * - `pause_collection`: the invoice is not collected — `void` voids it, `keep_as_draft` leaves it a
   *   draft, `mark_uncollectible` finalizes it as uncollectible; the subscription stays `active`;
   * - `collection_method: send_invoice`: finalized and sent (due in `days_until_due` days), open until
   *   the customer pays it (`payInvoice`); the subscription stays `active`;
   * - otherwise charged: paid; failed (`failNextPayment`) → `past_due`; or still processing
   *   (`delayNextPayment`, a SEPA / ACH debit) → the invoice stays open, the subscription `active`,
   *   until `settleInvoicePayment`.
   */
  private collectRenewal(sub: Subscription, invoice: Invoice): void {
    const now = nowSeconds();
    const pause = sub.pause_collection as { behavior: string } | null;
    this.emit("invoice.created", this.invoiceCreatedSnapshot(invoice));
    if (pause) {
      if (pause.behavior === "keep_as_draft") {
        invoice.status = "draft";
        invoice.status_transitions = { ...invoice.status_transitions, finalized_at: null };
      } else if (pause.behavior === "void") {
        invoice.status = "void";
        invoice.status_transitions = { ...invoice.status_transitions, voided_at: now };
        this.emit("invoice.finalized", invoice);
        this.emit("invoice.voided", invoice);
      } else {
        invoice.status = "uncollectible";
        invoice.status_transitions = { ...invoice.status_transitions, marked_uncollectible_at: now };
        this.emit("invoice.finalized", invoice);
        this.emit("invoice.marked_uncollectible", invoice);
      }
      return;
    }
    if (sub.collection_method === "send_invoice") {
      invoice.collection_method = "send_invoice";
      invoice.due_date = now + (sub.days_until_due as number) * DAY;
      this.emit("invoice.finalized", invoice);
      this.emit("invoice.sent", invoice);
      return;
    }
    this.emit("invoice.finalized", invoice);
    const { paid, failed } = this.chargeInvoice(invoice, "attempt");
    if (paid) {
      sub.status = "active";
      this.emit("invoice.paid", invoice);
      this.emit("invoice.payment_succeeded", invoice);
    } else if (failed) {
      sub.status = "past_due";
      this.emit("invoice.payment_failed", invoice);
    }
    // else: processing — no event until it settles.
  }

  /**
   * A processing invoice payment (`delayNextPayment`) clears or fails: paid → `invoice.paid`; failed →
   * `invoice.payment_failed` and the subscription turns `past_due`.
   */
  settleInvoicePayment(invoiceId: string, result: "succeeded" | "failed" = "succeeded"): Invoice {
    const invoice = this.invoice(invoiceId);
    const last = (this.invoicePayments.get(invoice.id) ?? []).at(-1);
    const intent = last
      ? this.store.get<PaymentIntent>("payment_intent", (last.payment as { payment_intent: string }).payment_intent)
      : undefined;
    if (invoice.status !== "open" || !intent || intent.status !== "processing") {
      throw invalidRequest(`Invoice ${invoiceId} has no payment processing.`, "invoice");
    }
    const subId = invoice.parent?.subscription_details.subscription;
    const sub = subId ? this.subscription(subId) : null;
    return this.flow(() => {
      const before = sub ? clone(sub) : null;
      if (result === "succeeded") {
        this.markInvoicePaid(invoice);
        this.emit("invoice.paid", invoice);
        this.emit("invoice.payment_succeeded", invoice);
      } else {
        this.markInvoiceFailed(invoice);
        this.emit("invoice.payment_failed", invoice);
        if (sub && before && sub.status === "active") {
          sub.status = "past_due";
          this.emit("customer.subscription.updated", sub, before);
        }
      }
      return invoice;
    });
  }

  /**
   * Pays an open invoice (again): paid → the subscription returns to `active`. A failed attempt
   * (armed with `failNextPayment`) sends `invoice.payment_failed`; `POST /v1/invoices/:id/pay` then
   * answers 402 like Stripe (`throwOnDecline`), the control returns the still-open invoice.
   */
  payInvoice(id: string, { throwOnDecline = false }: { throwOnDecline?: boolean } = {}): Invoice {
    const invoice = this.invoice(id);
    if (invoice.status === "paid") throw invalidRequest("Invoice is already paid", undefined, "invoice_already_paid");
    if (invoice.status !== "open")
      throw invalidRequest(
        `You can only pay an open invoice. This invoice is ${invoice.status}.`,
        undefined,
        "invoice_not_open",
      );
    const subId = invoice.parent?.subscription_details.subscription;
    const sub = subId ? this.subscription(subId) : null;
    return this.flow(() => {
      const before = sub ? clone(sub) : null;
      const { paid } = this.chargeInvoice(invoice, "attempt");
      if (!paid) {
        this.emit("invoice.payment_failed", invoice);
        if (throwOnDecline)
          throw new StripeError(
            402,
            "card_error",
            "Your card was declined.",
            "card_declined",
            undefined,
            "generic_decline",
          );
        return invoice;
      }
      this.emit("invoice.paid", invoice);
      this.emit("invoice.payment_succeeded", invoice);
      if (sub && before && (sub.status === "past_due" || sub.status === "incomplete" || sub.status === "unpaid")) {
        sub.status = "active";
        this.emit("customer.subscription.updated", sub, before);
      }
      return invoice;
    });
  }

  /**
   * `POST /v1/subscriptions/:id`: item changes (a price switch keeps the item id, with proration per
   * `proration_behavior`: `create_prorations` (default) bills the difference on the next renewal
   * invoice, `always_invoice` bills it now on a `subscription_update` invoice, `none` not at all),
   * `cancel_at_period_end`, `metadata`.
   */
  updateSubscription(id: string, params: Params): Subscription {
    return atTime(this.clocks.timeOfCustomer(this.subscription(id).customer), () =>
      this.updateSubscriptionAt(id, params),
    );
  }

  private updateSubscriptionAt(id: string, params: Params): Subscription {
    const sub = this.subscription(id);
    const supported = [
      "items",
      "cancel_at_period_end",
      "metadata",
      "proration_behavior",
      "proration_date",
      "expand",
      "payment_behavior",
      "description",
      "cancellation_details",
      "off_session",
      "default_payment_method",
      "collection_method",
      "days_until_due",
      "pause_collection",
    ];
    for (const key of Object.keys(params)) {
      if (!supported.includes(key))
        throw invalidRequest(`The Stripe simulator does not support \`${key}\` on subscription updates.`, key);
    }
    if (sub.status === "canceled" || sub.status === "incomplete_expired") {
      if (params.items !== undefined || params.cancel_at_period_end !== undefined) {
        throw invalidRequest(
          "A canceled subscription can only update its cancellation_details and metadata.",
          "subscription",
        );
      }
    }
    const proration =
      oneOf(params, "proration_behavior", ["create_prorations", "always_invoice", "none"] as const) ??
      "create_prorations";
    const cancelAtPeriodEnd = bool(params, "cancel_at_period_end");
    const metadata = applyMetadata(sub.metadata, params);
    const changes = this.parseItemChanges(sub, params);
    const cancellation = obj(params, "cancellation_details");
    const collection = this.parseCollection(sub, params);
    // As on Stripe: prorations computed as though the update happened at `proration_date`, which
    // must lie within the current period.
    const prorationDate = int(params, "proration_date");
    if (
      prorationDate !== undefined &&
      sub.items.data.length > 0 &&
      (prorationDate < this.periodStart(sub) || prorationDate > this.periodEnd(sub))
    ) {
      throw invalidRequest("Cannot specify proration date outside of current subscription period", "proration_date");
    }
    return this.flow(() => {
      const before = clone(sub);
      Object.assign(sub, collection);
      const cycleReset = changes.some((c) => {
        const item = c.itemId && c.price ? sub.items.data.find((it) => it.id === c.itemId) : undefined;
        return item !== undefined && !c.deleted && !sameInterval(item.price, c.price!);
      });
      const lines = changes.length > 0 ? this.applyItemChanges(sub, changes, prorationDate) : [];
      if (cancelAtPeriodEnd !== undefined) this.setCancelAtPeriodEnd(sub, cancelAtPeriodEnd);
      if (cancellation) {
        const details = sub.cancellation_details as JsonObject;
        const comment = str(cancellation, "comment", "cancellation_details[comment]");
        const feedback = str(cancellation, "feedback", "cancellation_details[feedback]");
        if (comment !== undefined) details.comment = comment || null;
        if (feedback !== undefined) details.feedback = feedback || null;
      }
      const description = str(params, "description");
      if (description !== undefined) sub.description = description || null;
      sub.metadata = metadata;
      this.emitSubscriptionUpdated(sub, before);
      if (cycleReset) this.billIntervalSwitch(sub, lines, proration);
      else if (lines.length > 0) this.billProrations(sub, lines, proration);
      return sub;
    });
  }

  /**
   * `collection_method` (`charge_automatically` | `send_invoice`, which needs `days_until_due`) and
   * `pause_collection` (`{ behavior: keep_as_draft | mark_uncollectible | void, resumes_at? }`, or ""
   * to resume), checked as Stripe checks them.
   */
  private parseCollection(sub: Subscription, params: Params): Partial<Subscription> {
    const out: Record<string, Json> = {};
    const method = oneOf(params, "collection_method", ["charge_automatically", "send_invoice"] as const);
    const days = int(params, "days_until_due");
    const effective = method ?? (sub.collection_method as string);
    if (days !== undefined && effective !== "send_invoice") {
      throw invalidRequest(
        "You may only set `days_until_due` when `collection_method` is `send_invoice`.",
        "days_until_due",
      );
    }
    if (method === "send_invoice" && days === undefined && sub.days_until_due === null)
      throw missingParam("days_until_due");
    if (days !== undefined && days < 0) throw invalidRequest("Invalid days_until_due: must be >= 0", "days_until_due");
    if (method) out.collection_method = method;
    if (method === "charge_automatically") out.days_until_due = null;
    if (days !== undefined) out.days_until_due = days;
    if (params.pause_collection !== undefined) {
      if (params.pause_collection === "") {
        out.pause_collection = null;
      } else {
        const pause = obj(params, "pause_collection");
        if (!pause) throw invalidRequest("Invalid pause_collection", "pause_collection");
        const behavior = oneOf(
          pause,
          "behavior",
          ["keep_as_draft", "mark_uncollectible", "void"] as const,
          "pause_collection[behavior]",
        );
        if (!behavior) throw missingParam("pause_collection[behavior]");
        const resumesAt = int(pause, "resumes_at", "pause_collection[resumes_at]");
        out.pause_collection = { behavior, resumes_at: resumesAt ?? null };
      }
    }
    return out as Partial<Subscription>;
  }

  private emitSubscriptionUpdated(sub: Subscription, before: Subscription): void {
    if (previousAttributes(before, sub)) this.emit("customer.subscription.updated", sub, before);
  }

  private setCancelAtPeriodEnd(sub: Subscription, value: boolean): void {
    sub.cancel_at_period_end = value;
    const details = sub.cancellation_details as JsonObject;
    if (value) {
      sub.cancel_at = this.periodEnd(sub);
      sub.canceled_at = nowSeconds();
      details.reason = "cancellation_requested";
    } else {
      sub.cancel_at = null;
      sub.canceled_at = null;
      details.reason = null;
    }
  }

  private parseItemChanges(
    sub: Subscription,
    params: Params,
  ): Array<{ itemId: string | null; price: Price | null; quantity: number | null; deleted: boolean }> {
    const raw = arr(params, "items");
    if (!raw) return [];
    return raw.map((entry, i) => {
      const p = `items[${i}]`;
      if (!isObject(entry)) throw invalidRequest("Invalid object", p);
      const itemId = str(entry, "id", `${p}[id]`) || null;
      if (itemId && !sub.items.data.some((it) => it.id === itemId)) {
        throw invalidRequest(`Subscription item ${itemId} does not belong to subscription ${sub.id}.`, `${p}[id]`);
      }
      const deleted = bool(entry, "deleted", `${p}[deleted]`) ?? false;
      const priceId = str(entry, "price", `${p}[price]`);
      const price = priceId ? this.price(priceId, `${p}[price]`) : null;
      if (price) {
        if (!price.active)
          throw invalidRequest(
            "The price specified is inactive. This field only accepts active prices.",
            `${p}[price]`,
          );
        if (price.type !== "recurring")
          throw invalidRequest(
            "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.",
            `${p}[price]`,
          );
        // Every item must bill at one interval; the item being switched may move to another one
        // (Stripe then resets the billing cycle: see applyItemChanges).
        const first = sub.items.data.find((it) => it.id !== itemId)?.price.recurring;
        if (
          price.currency !== sub.currency ||
          (first &&
            (first.interval !== price.recurring!.interval || first.interval_count !== price.recurring!.interval_count))
        ) {
          throw invalidRequest(
            "Currency and interval fields must match across all plans on this subscription.",
            `${p}[price]`,
          );
        }
      }
      if (!itemId && !price) throw missingParam(`${p}[price]`);
      if (deleted && !itemId) throw missingParam(`${p}[id]`);
      const quantity = int(entry, "quantity", `${p}[quantity]`) ?? null;
      if (quantity !== null && quantity < 1)
        throw invalidRequest("This value must be greater than or equal to 1.", `${p}[quantity]`);
      return { itemId, price, quantity, deleted };
    });
  }

  private applyItemChanges(
    sub: Subscription,
    changes: Array<{ itemId: string | null; price: Price | null; quantity: number | null; deleted: boolean }>,
    prorationDate?: number,
  ): PendingProration[] {
    const now = prorationDate ?? nowSeconds();
    const start = this.periodStart(sub);
    const end = this.periodEnd(sub);
    const from = Math.min(Math.max(now, start), end);
    const fraction = end > start ? (end - from) / (end - start) : 0;
    const lines: PendingProration[] = [];
    const period = { start: from, end };
    for (const change of changes) {
      const item = change.itemId ? sub.items.data.find((it) => it.id === change.itemId)! : null;
      if (item) {
        const oldAmount = item.price.unit_amount * item.quantity;
        if (change.deleted) {
          lines.push({
            amount: -Math.round(oldAmount * fraction),
            description: `Unused time on ${this.productName(item.price)} after ${isoDate(from)}`,
            price: item.price,
            quantity: item.quantity,
            subscriptionItem: item.id,
            period,
          });
          sub.items.data = sub.items.data.filter((it) => it.id !== item.id);
          continue;
        }
        const newPrice = change.price ?? item.price;
        const newQuantity = change.quantity ?? item.quantity;
        if (newPrice.id === item.price.id && newQuantity === item.quantity) continue;
        lines.push({
          amount: -Math.round(oldAmount * fraction),
          description: `Unused time on ${item.quantity} × ${this.productName(item.price)} after ${isoDate(from)}`,
          price: item.price,
          quantity: item.quantity,
          subscriptionItem: item.id,
          period,
        });
        if (!sameInterval(item.price, newPrice)) {
          // Another billing interval (monthly ↔ yearly): as on Stripe, the billing cycle anchor resets
          // to the change and a new period of the new price starts now, billed in full at once
          // (billIntervalSwitch) with the credit for the old price's unused time.
          item.price = clone(newPrice);
          item.plan = this.planOf(newPrice);
          item.quantity = newQuantity;
          item.current_period_start = from;
          item.current_period_end = addInterval(from, newPrice.recurring!);
          sub.billing_cycle_anchor = from;
          continue;
        }
        lines.push({
          amount: Math.round(newPrice.unit_amount * newQuantity * fraction),
          description: `Remaining time on ${newQuantity} × ${this.productName(newPrice)} after ${isoDate(from)}`,
          price: clone(newPrice),
          quantity: newQuantity,
          subscriptionItem: item.id,
          period,
        });
        item.price = clone(newPrice);
        item.plan = this.planOf(newPrice);
        item.quantity = newQuantity;
      } else if (change.price) {
        const added = this.newItem(sub.id, change.price, change.quantity ?? 1, start);
        added.current_period_end = end;
        sub.items.data.push(added);
        lines.push({
          amount: Math.round(change.price.unit_amount * added.quantity * fraction),
          description: `Remaining time on ${added.quantity} × ${this.productName(change.price)} after ${isoDate(from)}`,
          price: clone(change.price),
          quantity: added.quantity,
          subscriptionItem: added.id,
          period,
        });
      }
    }
    if (sub.items.data.length === 0) throw invalidRequest("A subscription must keep at least one item.", "items");
    sub.items.total_count = sub.items.data.length;
    return lines;
  }

  /** Bills a plan change's proration lines: now (`always_invoice`), at renewal (`create_prorations`) or never (`none`). */
  private billProrations(sub: Subscription, lines: PendingProration[], proration: ProrationBehavior): void {
    const now = nowSeconds();
    if (proration === "none") return;
    if (proration === "create_prorations") {
      this.pendingProrations.set(sub.id, [...(this.pendingProrations.get(sub.id) ?? []), ...lines]);
      return;
    }
    const invoice = this.buildInvoice(
      sub,
      "subscription_update",
      { start: now, end: now },
      lines.map((l) => ({ ...l, proration: true })),
    );
    this.collectUpdateInvoice(sub, invoice);
  }

  /**
   * A switch to another billing interval is invoiced at once whatever `proration_behavior` says:
   * the new period's full price, less the old price's unused time (none with `none`); pending
   * prorations go on this invoice too.
   */
  private billIntervalSwitch(sub: Subscription, credits: PendingProration[], proration: ProrationBehavior): void {
    const now = nowSeconds();
    const pending = this.pendingProrations.get(sub.id) ?? [];
    this.pendingProrations.delete(sub.id);
    const lines = this.cycleLines(sub, [...pending, ...(proration === "none" ? [] : credits)]);
    this.collectUpdateInvoice(sub, this.buildInvoice(sub, "subscription_update", { start: now, end: now }, lines));
  }

  /** Charges a `subscription_update` invoice now (a failure turns the subscription `past_due`). */
  private collectUpdateInvoice(sub: Subscription, invoice: Invoice): void {
    const beforeInvoice = clone(sub);
    sub.latest_invoice = invoice.id;
    this.emit("invoice.created", this.invoiceCreatedSnapshot(invoice));
    this.emit("invoice.finalized", invoice);
    const { paid } = this.chargeInvoice(invoice, "attempt");
    if (paid) {
      this.emit("invoice.paid", invoice);
      this.emit("invoice.payment_succeeded", invoice);
    } else {
      sub.status = "past_due";
      this.emit("invoice.payment_failed", invoice);
      this.emit("customer.subscription.updated", sub, beforeInvoice);
    }
  }

  /** Pending proration lines that the next renewal invoice will carry. */
  pendingProrationsOf(subscriptionId: string): PendingProration[] {
    return clone(this.pendingProrations.get(subscriptionId) ?? []);
  }

  /** `DELETE /v1/subscriptions/:id`: ends the subscription now. */
  cancelSubscription(id: string, params: Params = {}): Subscription {
    return atTime(this.clocks.timeOfCustomer(this.subscription(id).customer), () =>
      this.cancelSubscriptionAt(id, params),
    );
  }

  private cancelSubscriptionAt(id: string, params: Params): Subscription {
    const sub = this.subscription(id);
    if (sub.status === "canceled" || sub.status === "incomplete_expired") {
      throw invalidRequest(`This subscription is already canceled.`, "subscription");
    }
    const cancellation = obj(params, "cancellation_details");
    return this.flow(() => {
      const before = clone(sub);
      const now = nowSeconds();
      sub.status = "canceled";
      sub.canceled_at = now;
      sub.ended_at = now;
      const details = sub.cancellation_details as JsonObject;
      details.reason = "cancellation_requested";
      if (cancellation) {
        details.comment = str(cancellation, "comment") || null;
        details.feedback = str(cancellation, "feedback") || null;
      }
      this.pendingProrations.delete(sub.id);
      if (sub.schedule) this.endSchedule(sub, "canceled");
      this.emit("customer.subscription.deleted", sub, before);
      return sub;
    });
  }

  // ---------------------------------------------------------------- refunds and disputes

  /** A refund on a succeeded charge (or a payment intent's latest charge); default: what remains. */
  createRefund(params: Params): StripeObject {
    const chargeId = str(params, "charge");
    const intentId = str(params, "payment_intent");
    if (!chargeId && !intentId)
      throw invalidRequest(
        "One of the following params should be provided for this request: payment_intent or charge.",
        "charge",
      );
    let charge: Charge;
    if (chargeId) {
      charge = this.charge(chargeId, "charge");
    } else {
      const intent = this.mustGet<PaymentIntent>("payment_intent", intentId!, "payment_intent", "payment_intent");
      if (!intent.latest_charge)
        throw invalidRequest(`PaymentIntent ${intent.id} has no charge to refund.`, "payment_intent");
      charge = this.charge(intent.latest_charge, "payment_intent");
    }
    if (charge.status !== "succeeded")
      throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, "charge");
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining <= 0)
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const amount = int(params, "amount") ?? remaining;
    if (amount <= 0) throw invalidRequest("Invalid positive integer", "amount");
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
        "amount",
      );
    }
    const reason = oneOf(params, "reason", ["duplicate", "fraudulent", "requested_by_customer"] as const) ?? null;
    const metadata = applyMetadata({}, params);
    return this.flow(() => {
      const before = clone(charge);
      const refund: StripeObject = {
        id: newId("re"),
        object: "refund",
        amount,
        balance_transaction: newId("txn"),
        charge: charge.id,
        created: nowSeconds(),
        currency: charge.currency,
        metadata,
        payment_intent: charge.payment_intent,
        reason,
        status: "succeeded",
        ...refundDefaults(),
      };
      this.store.put("refund", refund);
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded >= charge.amount_captured;
      this.emit("charge.refunded", charge, before);
      this.emit("refund.created", refund);
      return refund;
    });
  }

  /** A dispute opened by the cardholder's bank on a succeeded charge. */
  createDispute(chargeId: string, options: { amount?: number; reason?: string } = {}): StripeObject {
    const charge = this.charge(chargeId, "charge");
    if (charge.status !== "succeeded")
      throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be disputed.`, "charge");
    if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`, "charge");
    const amount = options.amount ?? charge.amount_captured - charge.amount_refunded;
    if (!Number.isInteger(amount) || amount <= 0 || amount > charge.amount_captured)
      throw invalidRequest("Invalid dispute amount", "amount");
    return this.flow(() => {
      const now = nowSeconds();
      const dispute: StripeObject = {
        id: newId("dp"),
        object: "dispute",
        amount,
        charge: charge.id,
        created: now,
        currency: charge.currency,
        evidence_details: {
          due_by: now + 7 * DAY,
          enhanced_eligibility: {},
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        payment_intent: charge.payment_intent,
        reason: options.reason ?? "fraudulent",
        status: "needs_response",
        ...disputeDefaults(),
      };
      this.store.put("dispute", dispute);
      charge.disputed = true;
      this.emit("charge.dispute.created", dispute);
      return dispute;
    });
  }

  /** Closes a dispute as `won` or `lost` (`charge.dispute.closed`). */
  closeDispute(disputeId: string, status: "won" | "lost"): StripeObject {
    const dispute = this.mustGet<StripeObject>("dispute", disputeId, "dispute");
    if (dispute.status === "won" || dispute.status === "lost")
      throw invalidRequest(`Dispute ${disputeId} is already closed.`);
    return this.flow(() => {
      const before = clone(dispute);
      dispute.status = status;
      this.emit("charge.dispute.closed", dispute, before);
      return dispute;
    });
  }

  // ---------------------------------------------------------------- billing portal

  private defaultPortalConfiguration(): PortalConfiguration {
    const existing = this.store.all<PortalConfiguration>("billing_portal.configuration").find((c) => c.is_default);
    if (existing) return existing;
    return this.createPortalConfiguration({}, true);
  }

  createPortalConfiguration(params: Params, isDefault = false): PortalConfiguration {
    const now = nowSeconds();
    const features: JsonObject = {
      customer_update: { allowed_updates: [], enabled: false },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: false, payment_method_configuration: null },
      subscription_cancel: {
        cancellation_reason: { enabled: false, options: [] },
        enabled: true,
        mode: "at_period_end",
        proration_behavior: "none",
      },
      subscription_update: {
        billing_cycle_anchor: null,
        default_allowed_updates: ["price"],
        enabled: true,
        products: null,
        proration_behavior: "always_invoice",
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: "end_trial",
      },
    };
    const config: PortalConfiguration = {
      id: newId("bpc"),
      object: "billing_portal.configuration",
      created: now,
      features,
      is_default: isDefault,
      updated: now,
      active: true,
      default_return_url: null,
      metadata: {},
      ...portalConfigurationDefaults(),
    };
    applyPortalConfiguration(this, config, params);
    return this.flow(() => {
      this.store.put("billing_portal.configuration", config);
      // The implicit default configuration exists "from the dashboard": no event for it.
      if (!isDefault) this.emit("billing_portal.configuration.created", config);
      return config;
    });
  }

  updatePortalConfiguration(id: string, params: Params): PortalConfiguration {
    const config = this.mustGet<PortalConfiguration>(
      "billing_portal.configuration",
      id,
      "billing_portal.configuration",
    );
    const before = clone(config);
    const next = clone(config);
    applyPortalConfiguration(this, next, params);
    return this.flow(() => {
      Object.assign(config, next);
      config.updated = nowSeconds();
      this.emit("billing_portal.configuration.updated", config, before);
      return config;
    });
  }

  portalConfiguration(session: PortalSession): PortalConfiguration {
    return this.mustGet<PortalConfiguration>(
      "billing_portal.configuration",
      session.configuration,
      "billing_portal.configuration",
    );
  }

  createPortalSession(params: Params): PortalSession {
    const customerId = requiredStr(params, "customer");
    const customer = this.customer(customerId, "customer");
    const configId = str(params, "configuration");
    const config = configId
      ? this.mustGet<PortalConfiguration>(
          "billing_portal.configuration",
          configId,
          "billing_portal.configuration",
          "configuration",
        )
      : this.defaultPortalConfiguration();
    if (!config.active) throw invalidRequest("This configuration is not active.", "configuration");
    const returnUrl = str(params, "return_url") || config.default_return_url || null;
    if (returnUrl && !/^https?:\/\//.test(returnUrl))
      throw invalidRequest("Not a valid URL", "return_url", "url_invalid");
    const flow = parsePortalFlow(this, params, customer);
    const id = newId("bps");
    const session: PortalSession = {
      id,
      object: "billing_portal.session",
      configuration: config.id,
      created: nowSeconds(),
      customer: customer.id,
      flow,
      return_url: returnUrl,
      url: `${this.options.publicUrl()}/p/session/${id}`,
      ...portalSessionDefaults(),
      locale: oneOf(params, "locale", PORTAL_LOCALES) ?? null,
    };
    this.store.put("billing_portal.session", session);
    return session;
  }

  /** The recurring prices the portal offers for a plan switch. */
  portalPrices(config: PortalConfiguration): Price[] {
    return portalPrices(this, config);
  }

  /** A portal plan switch: the subscription's first item moves to `priceId`, proration per configuration. */
  portalSwitchPlan(session: PortalSession, subscriptionId: string, priceId: string): Subscription {
    const customer = this.subscription(subscriptionId).customer;
    return atTime(this.clocks.timeOfCustomer(customer), () =>
      this.portalSwitchPlanAt(session, subscriptionId, priceId),
    );
  }

  private portalSwitchPlanAt(session: PortalSession, subscriptionId: string, priceId: string): Subscription {
    const sub = this.subscription(subscriptionId, "subscription");
    if (sub.customer !== session.customer)
      throw invalidRequest("This subscription does not belong to the portal's customer.", "subscription");
    const config = this.portalConfiguration(session);
    const update = config.features.subscription_update as JsonObject;
    if (update.enabled !== true)
      throw invalidRequest("Plan changes are disabled in this portal configuration.", "price");
    const price = this.price(priceId, "price");
    if (!this.portalPrices(config).some((p) => p.id === price.id))
      throw invalidRequest("This price is not offered in the portal.", "price");
    const item = sub.items.data[0];
    if (!item) throw invalidRequest("The subscription has no item.", "subscription");
    const proration = (update.proration_behavior as ProrationBehavior | undefined) ?? "always_invoice";
    const conditions =
      ((update.schedule_at_period_end as JsonObject | undefined)?.conditions as Array<{ type?: string }> | undefined) ??
      [];
    const decreasing = price.unit_amount * item.quantity < item.price.unit_amount * item.quantity;
    const shortening = addInterval(0, price.recurring!) < addInterval(0, item.price.recurring!);
    if (
      (decreasing && conditions.some((c) => c.type === "decreasing_item_amount")) ||
      (shortening && conditions.some((c) => c.type === "shortening_interval"))
    )
      return this.schedulePriceAtPeriodEnd(sub, item, price);
    return this.flow(() => {
      // A new change replaces a scheduled one, as in Stripe's portal.
      if (sub.schedule) this.endSchedule(sub, "released");
      return this.updateSubscription(sub.id, {
        items: [{ id: item.id, price: price.id }],
        proration_behavior: proration,
      });
    });
  }

  // ---------------------------------------------------------------- subscription schedules

  private schedule(id: string): StripeObject {
    return this.mustGet<StripeObject>("subscription_schedule", id, "subscription_schedule");
  }

  private schedulePhase(sub: Subscription, price: Price, quantity: number, start: number, end: number): JsonObject {
    return {
      add_invoice_items: [],
      application_fee_percent: null,
      billing_cycle_anchor: null,
      billing_thresholds: null,
      collection_method: null,
      currency: sub.currency,
      default_payment_method: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      end_date: end,
      invoice_settings: null,
      items: [
        {
          billing_thresholds: null,
          discounts: [],
          metadata: {},
          plan: price.id,
          price: price.id,
          quantity,
          tax_rates: [],
        },
      ],
      metadata: {},
      on_behalf_of: null,
      proration_behavior: "create_prorations",
      start_date: start,
      transfer_data: null,
      trial_end: null,
    };
  }

  /**
   * The portal's `schedule_at_period_end`: the subscription keeps its price until the period ends
   * and switches at renewal, through a subscription schedule (phase 1: the current price to the
   * period's end; phase 2: the new price for one period, then released). No proration, no credit.
   */
  private schedulePriceAtPeriodEnd(sub: Subscription, item: SubscriptionItem, price: Price): Subscription {
    return this.flow(() => {
      if (sub.schedule) this.endSchedule(sub, "released");
      const before = clone(sub);
      const start = this.periodStart(sub);
      const end = this.periodEnd(sub);
      const now = nowSeconds();
      const schedule: StripeObject = {
        id: newId("sub_sched"),
        object: "subscription_schedule",
        application: null,
        billing_mode: clone(sub.billing_mode as Json),
        canceled_at: null,
        completed_at: null,
        created: now,
        current_phase: { start_date: start, end_date: end },
        customer: sub.customer,
        customer_account: null,
        default_settings: {
          application_fee_percent: null,
          billing_cycle_anchor: "automatic",
          billing_thresholds: null,
          collection_method: "charge_automatically",
          default_payment_method: null,
          description: null,
          invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
          on_behalf_of: null,
          transfer_data: null,
        },
        end_behavior: "release",
        livemode: false,
        metadata: {},
        phases: [
          this.schedulePhase(sub, item.price, item.quantity, start, end),
          this.schedulePhase(sub, price, item.quantity, end, addInterval(end, price.recurring!)),
        ],
        released_at: null,
        released_subscription: null,
        status: "active",
        subscription: sub.id,
        test_clock: null,
      };
      this.store.put("subscription_schedule", schedule);
      sub.schedule = schedule.id;
      this.emit("subscription_schedule.created", schedule);
      this.emit("customer.subscription.updated", sub, before);
      return sub;
    });
  }

  /** Ends the subscription's schedule: released (the subscription goes on alone) or canceled with it. */
  private endSchedule(sub: Subscription, how: "released" | "canceled"): void {
    const schedule = this.store.get<StripeObject>("subscription_schedule", sub.schedule as string);
    sub.schedule = null;
    if (!schedule || schedule.status !== "active") return;
    const now = nowSeconds();
    schedule.status = how;
    schedule.current_phase = null;
    if (how === "released") {
      schedule.released_at = now;
      schedule.released_subscription = sub.id;
      schedule.subscription = null;
    } else {
      schedule.canceled_at = now;
    }
    this.emit(how === "released" ? "subscription_schedule.released" : "subscription_schedule.canceled", schedule);
  }

  /**
   * A renewal of a subscription with a schedule: the phase that starts at `at` applies its price (no
   * proration: the phase boundary is the period's); after the last phase the schedule is released.
   */
  private advanceSchedule(sub: Subscription, at: number): void {
    if (!sub.schedule) return;
    const schedule = this.schedule(sub.schedule as string);
    const phases = schedule.phases as Array<{
      start_date: number;
      end_date: number;
      items: Array<{ price: string; quantity: number }>;
    }>;
    const next = phases.find((p) => p.start_date === at);
    if (!next) {
      this.endSchedule(sub, "released");
      return;
    }
    const item = sub.items.data[0];
    const target = next.items[0];
    if (item && target && target.price !== item.price.id) {
      const price = this.price(target.price);
      item.price = clone(price);
      item.plan = this.planOf(price);
      item.quantity = target.quantity;
    }
    const before = clone(schedule);
    schedule.current_phase = { start_date: next.start_date, end_date: next.end_date };
    this.emit("subscription_schedule.updated", schedule, before);
  }

  /** A portal cancellation: at period end (default) or at once, per configuration. */
  portalCancel(session: PortalSession, subscriptionId: string): Subscription {
    const customer = this.subscription(subscriptionId).customer;
    return atTime(this.clocks.timeOfCustomer(customer), () => this.portalCancelAt(session, subscriptionId));
  }

  private portalCancelAt(session: PortalSession, subscriptionId: string): Subscription {
    const sub = this.subscription(subscriptionId, "subscription");
    if (sub.customer !== session.customer)
      throw invalidRequest("This subscription does not belong to the portal's customer.", "subscription");
    const cancel = this.portalConfiguration(session).features.subscription_cancel as JsonObject;
    if (cancel.enabled !== true)
      throw invalidRequest("Cancellation is disabled in this portal configuration.", "subscription");
    if (cancel.mode === "immediately") return this.cancelSubscription(sub.id);
    return this.updateSubscription(sub.id, { cancel_at_period_end: "true" });
  }

  /** Undoes a pending cancellation from the portal ("Renew plan"). */
  portalRenew(session: PortalSession, subscriptionId: string): Subscription {
    const customer = this.subscription(subscriptionId).customer;
    return atTime(this.clocks.timeOfCustomer(customer), () => this.portalRenewAt(session, subscriptionId));
  }

  private portalRenewAt(session: PortalSession, subscriptionId: string): Subscription {
    const sub = this.subscription(subscriptionId, "subscription");
    if (sub.customer !== session.customer)
      throw invalidRequest("This subscription does not belong to the portal's customer.", "subscription");
    return this.updateSubscription(sub.id, { cancel_at_period_end: "false" });
  }
}
