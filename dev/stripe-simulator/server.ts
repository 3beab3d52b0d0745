// The loopback Stripe simulator: an HTTP server on 127.0.0.1 speaking enough of Stripe's API for the
// real `stripe` SDK, hosted checkout and portal pages, signed webhooks, and controls for tests.
// Development and tests only: it refuses to start under NODE_ENV=production or with a live key.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { handleApi } from "./api";
import { renderAuthenticate, submitAuthenticate } from "./authenticate-page";
import { handleControl } from "./control";
import { renderDashboard, submitDashboard } from "./dashboard";
import type { CheckoutDetails } from "./checkout-tax";
import type { PromotionCode } from "./discounts";
import { StripeEngine, type CheckoutOutcome } from "./engine";
import { StripeError, invalidRequest, unauthorized } from "./errors";
import { FormParseError, parseForm, type FormObject } from "./form";
import {
  renderCheckout,
  renderInvoice,
  renderPortal,
  renderReceipt,
  submitCheckout,
  submitPortal,
  type PageResult,
} from "./pages";
import { invoiceLines, pdfDocument } from "./invoice-pdf";
import { API_VERSION, newId, type EventRecord, type Json, type StripeObject } from "./store";
import type { CheckoutSession, Invoice, Subscription } from "./types";
import { WebhookDispatcher, type Delivery, type WebhookSwitches } from "./webhooks";

export interface StripeSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where events are POSTed (e.g. `http://127.0.0.1:3000/api/stripe/webhook`); none → events are only stored. */
  webhookUrl?: string | null;
  /** Signing secret shared with the app (`STRIPE_WEBHOOK_SECRET`); default: a random `whsec_…`. */
  webhookSecret?: string;
  /** The only API key accepted (must be `sk_test_…`); default: any `sk_test_…` key is accepted. */
  secretKey?: string;
  /** Base URL of the hosted pages in session `url`s (default the server's own `http://127.0.0.1:<port>`). */
  publicUrl?: string;
  /** Delay before every API response, in milliseconds. Default 0. */
  latencyMs?: number;
  /** Initial webhook switches (copies, shuffle, delayMs, paused, maxAttempts, retryBaseMs, timeoutMs). */
  webhooks?: Partial<WebhookSwitches>;
  /** When a "delayed method" checkout payment resolves by itself; null = only via `resolveAsyncPayment`. Default 2000. */
  asyncPaymentDelayMs?: number | null;
  /** How long a test clock stays `advancing` before its advance runs (Stripe takes seconds). Default 0. */
  testClockAdvanceMs?: number;
  /** Randomness of the `shuffle` switch (default Math.random), for reproducible orders. */
  random?: () => number;
}

export interface RecordedApiRequest {
  id: string;
  method: string;
  path: string;
  params: FormObject;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  status: number;
  replayed: boolean;
}

/** A promotion code and its coupon, in one call (tests, the control API, `npm run dev`'s demo codes). */
export interface PromotionCodeInput {
  code: string;
  percentOff?: number;
  /** Cents, in `currency` (default eur). */
  amountOff?: number;
  currency?: string;
  duration?: "once" | "repeating" | "forever";
  durationInMonths?: number;
}

export interface StripeSimulator {
  /** `http://127.0.0.1:<port>` (API under `/v1`). */
  url: string;
  port: number;
  /** A key the simulator accepts: `options.secretKey`, else `sk_test_simulator`. */
  secretKey: string;
  /** The webhook signing secret (`whsec_…`). */
  webhookSecret: string;
  /** Options for `new Stripe(secretKey, { ...sim.stripeConfig, apiVersion })`. */
  stripeConfig: { host: string; port: number; protocol: "http"; maxNetworkRetries: 0; telemetry: false };
  close(): Promise<void>;

  // inspection
  /** Every event, oldest first (also at GET /v1/events). */
  events: EventRecord[];
  /** Every webhook delivery (one per event copy), with its attempts. */
  deliveries: Delivery[];
  /** Every `/v1` request, with parsed params and the idempotency key. */
  requests: RecordedApiRequest[];
  /** Stored objects of a kind (`customer`, `subscription`, `invoice`, `checkout.session`, …), oldest first. */
  objects<T extends StripeObject = StripeObject>(kind: string): T[];
  /** Any object by id. */
  get<T extends StripeObject = StripeObject>(id: string): T | undefined;
  kinds(): string[];
  pendingAsyncPayments(): string[];

  // flows
  /** `details`: what the buyer enters on the page (address — default US —, name, VAT id, promotion code). */
  completeCheckout(sessionId: string, outcome?: CheckoutOutcome, details?: CheckoutDetails): CheckoutSession;
  /** A coupon and an active promotion code for it (what `POST /v1/coupons` + `/v1/promotion_codes` make). */
  createPromotionCode(input: PromotionCodeInput): PromotionCode;
  resolveAsyncPayment(sessionId: string, result?: "succeeded" | "failed"): CheckoutSession;
  advanceSubscription(subscriptionId: string): Subscription;
  endPeriod(subscriptionId: string): Subscription;
  /** Moves billing time to `to` (UNIX seconds): every live subscription whose period ends by then renews. */
  advanceClock(to: number): { subscription: string; periodStart: number }[];
  failNextPayment(customerId: string, times?: number): void;
  /** The customer's next invoice payment attempt(s) stay `processing` (SEPA / ACH) until `settleInvoicePayment`. */
  delayNextPayment(customerId: string, times?: number): void;
  settleInvoicePayment(invoiceId: string, result?: "succeeded" | "failed"): Invoice;
  payInvoice(invoiceId: string): Invoice;
  refundCharge(chargeId: string, amount?: number): StripeObject;
  /** The customer completes (or fails) the 3-D Secure step of a `requires_action` PaymentIntent. */
  authenticatePaymentIntent(id: string, result?: "succeeded" | "failed"): StripeObject;
  createDispute(chargeId: string, options?: { amount?: number; reason?: string }): StripeObject;
  closeDispute(disputeId: string, status: "won" | "lost"): StripeObject;
  reset(): void;

  // webhooks
  webhookUrl(): string | null;
  setWebhookUrl(url: string | null): void;
  setWebhookSecret(secret: string): void;
  webhookSwitches(): WebhookSwitches;
  setWebhookSwitches(switches: Partial<WebhookSwitches>): void;
  pauseWebhooks(): void;
  resumeWebhooks(): void;
  flushWebhooks(): Promise<void>;
  /** Resolves when every queued delivery got a final answer; rejects after `timeoutMs` (default 15 s). */
  settled(timeoutMs?: number): Promise<void>;
  isSettled(): boolean;
}

const MAX_BODY = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY) throw new StripeError(413, "invalid_request_error", "Request body too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), "cache-control": "no-store", ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body, null, 2), { "content-type": "application/json", ...headers });
}

function sendPage(res: ServerResponse, page: PageResult): void {
  if (page.location) {
    send(res, page.status, "", { location: page.location });
    return;
  }
  send(res, page.status, page.html ?? "", { "content-type": "text/html; charset=utf-8" });
}

function mask(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(Math.max(4, key.length - 12))}${key.slice(-4)}` : "****";
}

function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0] ?? null;
  return "";
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

interface IdempotentResult {
  fingerprint: string;
  status: number;
  body: Json;
  requestId: string;
}

export async function startStripeSimulator(options: StripeSimulatorOptions = {}): Promise<StripeSimulator> {
  if (process.env.NODE_ENV === "production") {
    throw new Error("The Stripe simulator refuses to start when NODE_ENV=production.");
  }
  const secretKey = options.secretKey ?? "sk_test_simulator";
  if (/^(sk|rk|pk)_live_/.test(secretKey))
    throw new Error("The Stripe simulator refuses a live key (sk_live_…): use a test key.");
  if (!/^sk_test_/.test(secretKey)) throw new Error("The Stripe simulator's secretKey must start with sk_test_.");
  const latencyMs = options.latencyMs ?? 0;
  const webhookSecret = options.webhookSecret ?? newId("whsec", 32);

  let publicUrl = options.publicUrl?.replace(/\/$/, "") ?? "";
  const dispatcher = new WebhookDispatcher(options.webhookUrl ?? null, webhookSecret, options.webhooks, options.random);
  const engine = new StripeEngine({
    publicUrl: () => publicUrl,
    onFlow: (events) => dispatcher.enqueue(events),
    asyncPaymentDelayMs: options.asyncPaymentDelayMs === undefined ? 2000 : options.asyncPaymentDelayMs,
    ...(options.testClockAdvanceMs === undefined ? {} : { testClockAdvanceMs: options.testClockAdvanceMs }),
  });
  const idempotency = new Map<string, IdempotentResult>();
  const requests: RecordedApiRequest[] = [];

  async function handleV1(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = newId("req", 14);
    const method = req.method ?? "GET";
    const requestedVersion = typeof req.headers["stripe-version"] === "string" ? req.headers["stripe-version"] : null;
    const headers: Record<string, string> = {
      "request-id": requestId,
      "stripe-version": requestedVersion ?? API_VERSION,
    };
    const idempotencyKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
    const record: RecordedApiRequest = {
      id: requestId,
      method,
      path: url.pathname,
      params: {},
      idempotencyKey,
      stripeVersion: requestedVersion,
      status: 0,
      replayed: false,
    };
    requests.push(record);
    const answer = async (status: number, body: unknown, extra: Record<string, string> = {}) => {
      if (latencyMs > 0) await sleep(latencyMs);
      record.status = status;
      sendJson(res, status, body, { ...headers, ...extra });
    };
    try {
      const raw = await readBody(req);
      const key = apiKeyOf(req);
      if (key === null) {
        throw unauthorized(
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        );
      }
      // With a configured `secretKey` only that key is accepted; otherwise any test secret key.
      if (options.secretKey ? key !== secretKey : !/^sk_test_[A-Za-z0-9_]+$/.test(key)) {
        throw unauthorized(`Invalid API Key provided: ${mask(key)}`);
      }
      if (requestedVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(requestedVersion)) {
        throw invalidRequest(`Invalid Stripe API version: ${requestedVersion}`, undefined, "invalid_api_version");
      }
      const contentType = req.headers["content-type"] ?? "";
      if (raw.length > 0 && method === "POST" && !contentType.startsWith("application/x-www-form-urlencoded")) {
        throw invalidRequest("Invalid request: the body must be application/x-www-form-urlencoded.");
      }
      let params: FormObject;
      try {
        const query = parseForm(url.search.replace(/^\?/, ""));
        params = method === "POST" ? { ...query, ...parseForm(raw) } : query;
      } catch (error) {
        if (error instanceof FormParseError) throw invalidRequest(error.message, error.param);
        throw error;
      }
      record.params = params;
      let fingerprint = "";
      if (method === "POST" && idempotencyKey !== null) {
        if (idempotencyKey.length > 255)
          throw invalidRequest(
            "Idempotency-Key must be at most 255 characters long.",
            undefined,
            "idempotency_key_in_use",
          );
        fingerprint = `${method} ${url.pathname} ${canonical(params)}`;
        const previous = idempotency.get(idempotencyKey);
        if (previous) {
          if (previous.fingerprint !== fingerprint) {
            throw new StripeError(
              400,
              "idempotency_error",
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          record.replayed = true;
          await answer(previous.status, previous.body, {
            "idempotent-replayed": "true",
            "original-request": previous.requestId,
          });
          return;
        }
      }
      engine.request = { id: requestId, idempotencyKey };
      let status = 200;
      let body: Json;
      try {
        body = handleApi(engine, { method, path: url.pathname, params });
      } catch (error) {
        if (!(error instanceof StripeError)) throw error;
        status = error.status;
        body = error.body() as unknown as Json;
      } finally {
        engine.request = { id: null, idempotencyKey: null };
      }
      // Like Stripe, a result is saved once the endpoint ran; a request rejected by validation is not.
      if (fingerprint && idempotencyKey !== null && (status < 400 || status === 402)) {
        idempotency.set(idempotencyKey, { fingerprint, status, body, requestId });
      }
      if (fingerprint) headers["idempotency-key"] = idempotencyKey!;
      await answer(status, body);
    } catch (error) {
      if (error instanceof StripeError) {
        await answer(error.status, error.body());
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      await answer(500, { error: { type: "api_error", message: `Stripe simulator internal error: ${message}` } });
    }
  }

  async function handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const raw = await readBody(req);
      let body: unknown = {};
      if (raw.trim() !== "") {
        const type = req.headers["content-type"] ?? "";
        if (type.startsWith("application/json")) {
          try {
            body = JSON.parse(raw);
          } catch {
            throw invalidRequest("The control API body must be valid JSON.");
          }
        } else {
          throw invalidRequest("The control API takes application/json bodies.");
        }
      }
      const result = await handleControl(simulator, req.method ?? "GET", url.pathname, url.searchParams, body);
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof StripeError) sendJson(res, error.status, error.body());
      else
        sendJson(res, 500, {
          error: { type: "api_error", message: error instanceof Error ? error.message : String(error) },
        });
    }
  }

  async function handlePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? "GET";
    const checkout = /^\/c\/pay\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (checkout) {
      if (method === "GET") sendPage(res, renderCheckout(engine, checkout[1]!));
      else if (method === "POST") sendPage(res, submitCheckout(engine, checkout[1]!, await readForm(req)));
      else return false;
      return true;
    }
    const portal = /^\/p\/session\/([A-Za-z0-9_]+)(?:\/(update|cancel|renew))?$/.exec(url.pathname);
    if (portal) {
      if (method === "GET" && !portal[2]) sendPage(res, renderPortal(engine, portal[1]!, url.searchParams));
      else if (method === "POST" && portal[2])
        sendPage(res, submitPortal(engine, portal[1]!, portal[2], await readForm(req)));
      else return false;
      return true;
    }
    const invoice = /^\/invoices\/([A-Za-z0-9_]+)(\/pdf)?$/.exec(url.pathname);
    if (invoice && method === "GET") {
      const found = invoice[2] ? engine.store.get<Invoice>("invoice", invoice[1]!) : undefined;
      // invoice_pdf: the document itself, as Stripe serves it (application/pdf).
      if (found) send(res, 200, pdfDocument(invoiceLines(found)), { "content-type": "application/pdf" });
      else sendPage(res, renderInvoice(engine, invoice[1]!));
      return true;
    }
    const authentication = /^\/authenticate\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (authentication) {
      if (method === "GET") sendPage(res, renderAuthenticate(engine, authentication[1]!));
      else if (method === "POST") sendPage(res, submitAuthenticate(engine, authentication[1]!, await readForm(req)));
      else return false;
      return true;
    }
    const receipt = /^\/receipts\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (receipt && method === "GET") {
      sendPage(res, renderReceipt(engine, receipt[1]!));
      return true;
    }
    return false;
  }

  async function readForm(req: IncomingMessage): Promise<FormObject> {
    try {
      return parseForm(await readBody(req));
    } catch {
      return {};
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = async () => {
      if (url.pathname.startsWith("/v1/")) return handleV1(req, res, url);
      if (url.pathname === "/_simulator" || url.pathname.startsWith("/_simulator/"))
        return handleControlRequest(req, res, url);
      if (await handlePage(req, res, url)) return;
      if (url.pathname === "/" && req.method === "GET")
        return sendPage(res, renderDashboard(simulator, url.searchParams.get("msg")));
      if (url.pathname.startsWith("/_dashboard/") && req.method === "POST")
        return sendPage(res, await submitDashboard(simulator, url.pathname, await readForm(req)));
      sendJson(res, 404, {
        error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname}).` },
      });
    };
    route().catch((error: unknown) => {
      sendJson(res, 500, {
        error: { type: "api_error", message: error instanceof Error ? error.message : String(error) },
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  if (!publicUrl) publicUrl = url;

  const simulator: StripeSimulator = {
    url,
    port,
    secretKey,
    webhookSecret,
    stripeConfig: { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0, telemetry: false },
    async close() {
      engine.close();
      dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    events: engine.events,
    deliveries: dispatcher.deliveries,
    requests,
    objects: <T extends StripeObject>(kind: string) => engine.store.all<T>(kind),
    get: <T extends StripeObject>(id: string) => engine.store.byId(id) as T | undefined,
    kinds: () => engine.store.kinds(),
    pendingAsyncPayments: () => engine.pendingAsyncPayments(),
    completeCheckout: (id, outcome = "paid", details = {}) => engine.completeCheckout(id, outcome, details),
    createPromotionCode: (input) => {
      const coupon = engine.createCoupon({
        ...(input.percentOff !== undefined ? { percent_off: String(input.percentOff) } : {}),
        ...(input.amountOff !== undefined
          ? { amount_off: String(input.amountOff), currency: input.currency ?? "eur" }
          : {}),
        duration: input.duration ?? "once",
        ...(input.durationInMonths !== undefined ? { duration_in_months: String(input.durationInMonths) } : {}),
        name: input.code,
      });
      return engine.createPromotionCode({ code: input.code, promotion: { type: "coupon", coupon: coupon.id } });
    },
    resolveAsyncPayment: (id, result) => engine.resolveAsyncPayment(id, result),
    advanceSubscription: (id) => engine.advanceSubscription(id),
    endPeriod: (id) => engine.advanceSubscription(id),
    advanceClock: (to) => engine.advanceClock(to),
    failNextPayment: (id, times = 1) => engine.failNextPayment(id, times),
    delayNextPayment: (id, times = 1) => engine.delayNextPayment(id, times),
    settleInvoicePayment: (id, result = "succeeded") => engine.settleInvoicePayment(id, result),
    payInvoice: (id) => engine.payInvoice(id),
    refundCharge: (id, amount) =>
      engine.createRefund(amount === undefined ? { charge: id } : { charge: id, amount: String(amount) }),
    createDispute: (id, opts) => engine.createDispute(id, opts),
    authenticatePaymentIntent: (id, result = "succeeded") => engine.paymentIntents.authenticate(id, result),
    closeDispute: (id, status) => engine.closeDispute(id, status),
    reset() {
      engine.reset();
      dispatcher.reset();
      idempotency.clear();
      requests.length = 0;
    },
    webhookUrl: () => dispatcher.url,
    setWebhookUrl(next) {
      dispatcher.url = next;
    },
    setWebhookSecret(next) {
      dispatcher.secret = next;
      simulator.webhookSecret = next;
    },
    webhookSwitches: () => ({ ...dispatcher.switches }),
    setWebhookSwitches(next) {
      const wasPaused = dispatcher.switches.paused;
      dispatcher.switches = {
        ...dispatcher.switches,
        ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)),
      };
      if (wasPaused && !dispatcher.switches.paused) dispatcher.resume();
    },
    pauseWebhooks: () => dispatcher.pause(),
    resumeWebhooks: () => dispatcher.resume(),
    flushWebhooks: () => dispatcher.flush(),
    settled: (timeoutMs) => dispatcher.settled(timeoutMs),
    isSettled: () => dispatcher.isSettled(),
  };
  return simulator;
}
