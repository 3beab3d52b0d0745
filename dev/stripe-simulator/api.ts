// The `/v1` REST endpoints: parameter checks, lists and expansion around the engine's operations.
import { StripeError, invalidRequest, missingParam } from "./errors";
import type { StripeEngine } from "./engine";
import { checkAllowed, expandList, int, isObject, oneOf, str, strList, type Endpoint, type Params } from "./params";
import { clone, expandPath, paginate, type Json, type StripeObject } from "./store";
import type { Charge, CheckoutSession, Customer, Invoice, Price, Product, Subscription } from "./types";

export interface ApiRequest {
  method: string;
  /** Path without query string, e.g. "/v1/customers/cus_123". */
  path: string;
  params: Params;
}

type Handler = (engine: StripeEngine, params: Params, match: string[]) => Json;

interface Route {
  method: string;
  pattern: RegExp;
  endpoint: Endpoint;
  handler: Handler;
}

const ID = "([A-Za-z0-9_]+)";

function expandValue(engine: StripeEngine, value: Json, params: Params): Json {
  const paths = expandList(params);
  if (paths.length === 0) return value;
  const out = clone(value);
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > 4)
      throw invalidRequest(`You cannot expand more than 4 levels of a property (${path}).`, "expand");
    expandPath(
      out,
      segments,
      (id) => engine.store.byId(id),
      (object, field) => engine.includable(object, field),
      path,
    );
  }
  return out;
}

/** Stripe's `created` filter: an exact time, or `created[gt|gte|lt|lte]`. */
function createdFilter<T extends StripeObject>(items: T[], params: Params): T[] {
  const created = params.created;
  if (created === undefined || created === "") return items;
  const bounds: Array<[string, (a: number, b: number) => boolean]> = [
    ["gt", (a, b) => a > b],
    ["gte", (a, b) => a >= b],
    ["lt", (a, b) => a < b],
    ["lte", (a, b) => a <= b],
  ];
  if (typeof created === "string") {
    const at = int(params, "created");
    return items.filter((o) => o.created === at);
  }
  if (Array.isArray(created))
    throw invalidRequest("Invalid created: an integer or an object with gt, gte, lt, lte", "created");
  for (const key of Object.keys(created)) {
    if (!bounds.some(([name]) => name === key))
      throw invalidRequest(`Received unknown parameter: created[${key}]`, `created[${key}]`, "parameter_unknown");
  }
  return items.filter((o) =>
    bounds.every(([name, test]) => {
      const bound = int(created, name, `created[${name}]`);
      return bound === undefined || test(o.created as number, bound);
    }),
  );
}

function list<T extends StripeObject>(engine: StripeEngine, items: T[], params: Params, url: string): Json {
  const page = paginate(createdFilter(items, params), params, url);
  return expandValue(engine, clone(page) as unknown as Json, params);
}

function one(engine: StripeEngine, object: StripeObject, params: Params): Json {
  return expandValue(engine, clone(object), params);
}

function filterEq<T extends StripeObject>(items: T[], params: Params, field: string, param = field): T[] {
  const value = str(params, param);
  return value ? items.filter((o) => o[field] === value) : items;
}

function activeFilter<T extends StripeObject>(items: T[], params: Params): T[] {
  const active = str(params, "active");
  if (active === undefined || active === "") return items;
  if (active !== "true" && active !== "false") throw invalidRequest(`Invalid boolean: ${active}`, "active");
  return items.filter((o) => o.active === (active === "true"));
}

const SUBSCRIPTION_STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

const routes: Route[] = [
  // products
  {
    method: "POST",
    pattern: /^\/v1\/products$/,
    endpoint: "products.create",
    handler: (e, p) => one(e, e.createProduct(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/products/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.product(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/products/${ID}$`),
    endpoint: "products.update",
    handler: (e, p, [id]) => one(e, e.updateProduct(id!, p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/products$/,
    endpoint: "products.list",
    handler: (e, p) => {
      let items = activeFilter(e.store.all<Product>("product"), p);
      const ids = strList(p, "ids");
      if (ids) items = items.filter((i) => ids.includes(i.id));
      return list(e, items, p, "/v1/products");
    },
  },
  // prices
  {
    method: "POST",
    pattern: /^\/v1\/prices$/,
    endpoint: "prices.create",
    handler: (e, p) => one(e, e.createPrice(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/prices/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.price(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/prices/${ID}$`),
    endpoint: "prices.update",
    handler: (e, p, [id]) => one(e, e.updatePrice(id!, p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/prices$/,
    endpoint: "prices.list",
    handler: (e, p) => {
      let items = activeFilter(e.store.all<Price>("price"), p);
      items = filterEq(items, p, "product");
      items = filterEq(items, p, "currency");
      const type = oneOf(p, "type", ["one_time", "recurring"] as const);
      if (type) items = items.filter((i) => i.type === type);
      const keys = strList(p, "lookup_keys");
      if (keys) {
        if (keys.length > 10) throw invalidRequest("You may pass at most 10 lookup_keys.", "lookup_keys");
        items = items.filter((i) => i.lookup_key !== null && keys.includes(i.lookup_key));
      }
      return list(e, items, p, "/v1/prices");
    },
  },
  // customers
  {
    method: "POST",
    pattern: /^\/v1\/customers$/,
    endpoint: "customers.create",
    handler: (e, p) => one(e, e.createCustomer(p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/customers\/search$/,
    endpoint: "customers.search",
    handler: (e, p) => {
      const query = str(p, "query");
      if (!query) throw missingParam("query");
      const limit = Number(str(p, "limit") ?? "10");
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw invalidRequest("limit must be between 1 and 100", "limit");
      const found = e.searchCustomers(query).reverse();
      const page = Number(str(p, "page") ?? "0") || 0;
      const data = found.slice(page, page + limit);
      const hasMore = found.length > page + limit;
      const result = {
        object: "search_result",
        data: clone(data),
        has_more: hasMore,
        next_page: hasMore ? String(page + limit) : null,
        url: "/v1/customers/search",
      };
      return expandValue(e, result as unknown as Json, p);
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/customers/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.customer(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/customers/${ID}$`),
    endpoint: "customers.update",
    handler: (e, p, [id]) => one(e, e.updateCustomer(id!, p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/customers$/,
    endpoint: "customers.list",
    handler: (e, p) => {
      const email = str(p, "email");
      let items = e.store.all<Customer>("customer");
      if (email) items = items.filter((c) => c.email === email);
      const clock = str(p, "test_clock");
      if (clock) items = items.filter((c) => c.test_clock === clock);
      return list(e, items, p, "/v1/customers");
    },
  },
  // checkout sessions
  {
    method: "POST",
    pattern: /^\/v1\/checkout\/sessions$/,
    endpoint: "checkout.sessions.create",
    handler: (e, p) => one(e, e.createCheckoutSession(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.checkoutSession(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}/expire$`),
    endpoint: "checkout.sessions.expire",
    handler: (e, p, [id]) => one(e, e.expireCheckoutSession(id!), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}/line_items$`),
    endpoint: "checkout.sessions.line_items",
    handler: (e, p, [id]) => {
      const session = e.checkoutSession(id!);
      // Line items are listed in the order given at creation (not newest first).
      return list(e, [...e.lineItemsOf(session.id)].reverse(), p, `/v1/checkout/sessions/${session.id}/line_items`);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/checkout\/sessions$/,
    endpoint: "checkout.sessions.list",
    handler: (e, p) => {
      let items = e.store.all<CheckoutSession>("checkout.session");
      items = filterEq(items, p, "payment_intent");
      items = filterEq(items, p, "subscription");
      items = filterEq(items, p, "customer");
      items = filterEq(items, p, "status");
      return list(e, items, p, "/v1/checkout/sessions");
    },
  },
  // billing portal
  {
    method: "POST",
    pattern: /^\/v1\/billing_portal\/sessions$/,
    endpoint: "billing_portal.sessions.create",
    handler: (e, p) => one(e, e.createPortalSession(p), p),
  },
  {
    method: "POST",
    pattern: /^\/v1\/billing_portal\/configurations$/,
    endpoint: "billing_portal.configurations.create",
    handler: (e, p) => one(e, e.createPortalConfiguration(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/billing_portal/configurations/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("billing_portal.configuration", id!, "billing_portal.configuration"), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/billing_portal/configurations/${ID}$`),
    endpoint: "billing_portal.configurations.update",
    handler: (e, p, [id]) => one(e, e.updatePortalConfiguration(id!, p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/billing_portal\/configurations$/,
    endpoint: "billing_portal.configurations.list",
    handler: (e, p) => {
      let items = activeFilter(e.store.all("billing_portal.configuration"), p);
      const isDefault = str(p, "is_default");
      if (isDefault === "true" || isDefault === "false")
        items = items.filter((c) => c.is_default === (isDefault === "true"));
      return list(e, items, p, "/v1/billing_portal/configurations");
    },
  },
  // subscriptions
  {
    method: "GET",
    pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.subscription(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
    endpoint: "subscriptions.update",
    handler: (e, p, [id]) => one(e, e.updateSubscription(id!, p), p),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/v1/subscriptions/${ID}$`),
    endpoint: "subscriptions.cancel",
    handler: (e, p, [id]) => one(e, e.cancelSubscription(id!, p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/subscriptions$/,
    endpoint: "subscriptions.list",
    handler: (e, p) => {
      let items = filterEq(e.store.all<Subscription>("subscription"), p, "customer");
      const status = oneOf(p, "status", SUBSCRIPTION_STATUSES);
      // Stripe's default lists every subscription that is not canceled.
      if (status === undefined) items = items.filter((s) => s.status !== "canceled");
      else if (status === "ended")
        items = items.filter((s) => s.status === "canceled" || s.status === "incomplete_expired");
      else if (status !== "all") items = items.filter((s) => s.status === status);
      const price = str(p, "price");
      if (price) items = items.filter((s) => s.items.data.some((i) => i.price.id === price));
      return list(e, items, p, "/v1/subscriptions");
    },
  },
  // subscription schedules (made by the portal's scheduled downgrades)
  {
    method: "GET",
    pattern: new RegExp(`^/v1/subscription_schedules/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("subscription_schedule", id!, "subscription_schedule"), p),
  },
  // invoices
  {
    method: "GET",
    pattern: new RegExp(`^/v1/invoices/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.invoice(id!), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/invoices/${ID}/pay$`),
    endpoint: "invoices.pay",
    handler: (e, p, [id]) => one(e, e.payInvoice(id!, { throwOnDecline: true }), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/invoices/${ID}/lines$`),
    endpoint: "checkout.sessions.line_items",
    handler: (e, p, [id]) => {
      const invoice = e.invoice(id!);
      return list(e, [...invoice.lines.data].reverse(), p, `/v1/invoices/${invoice.id}/lines`);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/invoices$/,
    endpoint: "invoices.list",
    handler: (e, p) => {
      let items = filterEq(e.store.all<Invoice>("invoice"), p, "customer");
      items = filterEq(items, p, "status");
      const sub = str(p, "subscription");
      if (sub) items = items.filter((i) => i.parent?.subscription_details.subscription === sub);
      return list(e, items, p, "/v1/invoices");
    },
  },
  // coupons and promotion codes (discounts.ts); the tax rates Stripe Tax applied (tax.ts)
  {
    method: "POST",
    pattern: /^\/v1\/coupons$/,
    endpoint: "coupons.create",
    handler: (e, p) => one(e, e.createCoupon(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/coupons/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.adjustments.coupon(id!), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/coupons$/,
    endpoint: "coupons.list",
    handler: (e, p) => list(e, e.store.all("coupon"), p, "/v1/coupons"),
  },
  {
    method: "POST",
    pattern: /^\/v1\/promotion_codes$/,
    endpoint: "promotion_codes.create",
    handler: (e, p) => one(e, e.createPromotionCode(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/promotion_codes/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("promotion_code", id!, "promotion_code"), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/promotion_codes$/,
    endpoint: "promotion_codes.list",
    handler: (e, p) => {
      let items = activeFilter(e.store.all("promotion_code"), p);
      const code = str(p, "code");
      if (code) items = items.filter((i) => i.code === code);
      const coupon = str(p, "coupon");
      if (coupon) items = items.filter((i) => (i.promotion as { coupon: string }).coupon === coupon);
      return list(e, filterEq(items, p, "customer"), p, "/v1/promotion_codes");
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/tax_rates/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("tax_rate", id!, "tax_rate"), p),
  },
  // invoice payments: which PaymentIntent paid which invoice (`payment[type]=payment_intent` with
  // `payment[payment_intent]`, or `invoice`), as Stripe's GET /v1/invoice_payments filters them
  {
    method: "GET",
    pattern: new RegExp(`^/v1/invoice_payments/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.invoicePayment(id!), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/invoice_payments$/,
    endpoint: "invoice_payments.list",
    handler: (e, p) => {
      let items = filterEq(filterEq(e.allInvoicePayments(), p, "invoice"), p, "status");
      const payment = p.payment;
      if (payment !== undefined) {
        if (!isObject(payment)) throw invalidRequest("Invalid object", "payment");
        const type = str(payment, "type", "payment[type]");
        if (!type) throw missingParam("payment[type]");
        for (const key of Object.keys(payment)) {
          if (!["type", "payment_intent", "payment_record"].includes(key))
            throw invalidRequest(`Received unknown parameter: payment[${key}]`, `payment[${key}]`, "parameter_unknown");
        }
        const intent = str(payment, "payment_intent", "payment[payment_intent]");
        items = items.filter((i) => {
          const ref = i.payment as { type: string; payment_intent?: string };
          return ref.type === type && (intent === undefined || ref.payment_intent === intent);
        });
      }
      return list(e, items, p, "/v1/invoice_payments");
    },
  },
  // payment intents, charges, refunds, disputes
  {
    method: "GET",
    pattern: new RegExp(`^/v1/payment_intents/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("payment_intent", id!, "payment_intent"), p),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_intents$/,
    endpoint: "payment_intents.create",
    handler: (e, p) => one(e, e.createPaymentIntent(p), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/payment_intents/${ID}/confirm$`),
    endpoint: "payment_intents.confirm",
    handler: (e, p, [id]) => one(e, e.confirmPaymentIntent(id!, p), p),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/payment_intents/${ID}/cancel$`),
    endpoint: "payment_intents.cancel",
    handler: (e, p, [id]) => one(e, e.paymentIntents.cancel(id!, p), p),
  },
  // payment methods (payment-methods.ts)
  {
    method: "GET",
    pattern: new RegExp(`^/v1/payment_methods/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.paymentMethods.get(id!), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/payment_methods$/,
    endpoint: "payment_methods.list",
    handler: (e, p) => {
      const customer = str(p, "customer");
      const items = customer ? e.paymentMethods.ofCustomer(e.customer(customer, "customer").id) : [];
      return list(e, filterEq(items, p, "type"), p, "/v1/payment_methods");
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/payment_methods/${ID}/attach$`),
    endpoint: "payment_methods.attach",
    handler: (e, p, [id]) => {
      const customer = str(p, "customer");
      if (!customer) throw missingParam("customer");
      return one(e, e.paymentMethods.attach(id!, customer), p);
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/payment_methods/${ID}/detach$`),
    endpoint: "payment_methods.detach",
    handler: (e, p, [id]) => one(e, e.paymentMethods.detach(id!), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/customers/${ID}/payment_methods$`),
    endpoint: "customers.list_payment_methods",
    handler: (e, p, [id]) => {
      const customer = e.customer(id!);
      const items = filterEq(e.paymentMethods.ofCustomer(customer.id), p, "type");
      return list(e, items, p, `/v1/customers/${customer.id}/payment_methods`);
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/customers/${ID}/payment_methods/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id, pm]) => {
      const customer = e.customer(id!);
      const found = e.paymentMethods.ofCustomer(customer.id).find((m) => m.id === pm);
      if (!found)
        throw new StripeError(404, "invalid_request_error", `No such PaymentMethod: '${pm}'`, "resource_missing", "id");
      return one(e, found, p);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/payment_intents$/,
    endpoint: "payment_intents.list",
    handler: (e, p) => list(e, filterEq(e.store.all("payment_intent"), p, "customer"), p, "/v1/payment_intents"),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/charges/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.charge(id!), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/charges$/,
    endpoint: "charges.list",
    handler: (e, p) =>
      list(e, filterEq(filterEq(e.store.all<Charge>("charge"), p, "customer"), p, "payment_intent"), p, "/v1/charges"),
  },
  {
    method: "POST",
    pattern: /^\/v1\/refunds$/,
    endpoint: "refunds.create",
    handler: (e, p) => one(e, e.createRefund(p), p),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/refunds/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("refund", id!, "refund"), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/refunds$/,
    endpoint: "refunds.list",
    handler: (e, p) =>
      list(e, filterEq(filterEq(e.store.all("refund"), p, "charge"), p, "payment_intent"), p, "/v1/refunds"),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/disputes/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("dispute", id!, "dispute"), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/disputes$/,
    endpoint: "disputes.list",
    handler: (e, p) =>
      list(e, filterEq(filterEq(e.store.all("dispute"), p, "charge"), p, "payment_intent"), p, "/v1/disputes"),
  },
  // events
  {
    method: "GET",
    pattern: new RegExp(`^/v1/events/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.mustGet("event", id!, "event"), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/events$/,
    endpoint: "events.list",
    handler: (e, p) => {
      let items: StripeObject[] = e.events;
      const type = str(p, "type");
      const types = strList(p, "types");
      if (type && types) throw invalidRequest("You may only specify one of these parameters: type, types.", "types");
      if (type) {
        // `type` accepts a `*` wildcard, e.g. `invoice.*`.
        const re = new RegExp(`^${type.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
        items = items.filter((ev) => re.test(ev.type as string));
      }
      if (types) items = items.filter((ev) => types.includes(ev.type as string));
      return list(e, items, p, "/v1/events");
    },
  },
  // test clocks (test-clocks.ts)
  {
    method: "POST",
    pattern: /^\/v1\/test_helpers\/test_clocks$/,
    endpoint: "test_helpers.test_clocks.create",
    handler: (e, p) => one(e, e.clocks.create(p), p),
  },
  {
    method: "GET",
    pattern: /^\/v1\/test_helpers\/test_clocks$/,
    endpoint: "test_helpers.test_clocks.list",
    handler: (e, p) => list(e, e.clocks.all(), p, "/v1/test_helpers/test_clocks"),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/test_helpers/test_clocks/${ID}$`),
    endpoint: "retrieve",
    handler: (e, p, [id]) => one(e, e.clocks.get(id!), p),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/v1/test_helpers/test_clocks/${ID}$`),
    endpoint: "test_helpers.test_clocks.del",
    handler: (e, _p, [id]) => e.clocks.delete(id!),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/test_helpers/test_clocks/${ID}/advance$`),
    endpoint: "test_helpers.test_clocks.advance",
    handler: (e, p, [id]) => one(e, e.clocks.advance(id!, p), p),
  },
];

/** Routes an authenticated `/v1` request; throws StripeError (404 for an unknown route, like Stripe). */
export function handleApi(engine: StripeEngine, request: ApiRequest): Json {
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const match = route.pattern.exec(request.path);
    if (!match) continue;
    checkAllowed(route.endpoint, request.params);
    return route.handler(engine, request.params, match.slice(1));
  }
  throw new StripeError(
    404,
    "invalid_request_error",
    `Unrecognized request URL (${request.method}: ${request.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}
