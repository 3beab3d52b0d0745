// The metering spans, exported to an in-memory exporter through the app's own SDK registration
// (lib/telemetry/tracing.ts: @vercel/otel + Prisma's instrumentation): the real routes, the real
// OpenAI SDK against the loopback simulator, the real cost engine and Postgres. For a charged call,
// a refused one (402) and a failed one (released): the spans, their parent/child relations, their
// exact millitoken attributes — and that no span carries the prompt or the user's e-mail.
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ATTR, SPAN } from "../tokens/metering/trace";
import { CHAT_MODEL } from "./chat";
import { ACTIVITY_MODEL } from "./features/activity-analyzer";
import { registerTracing } from "../telemetry/tracing";
import { leaveAvailable, startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

const exporter = new InMemorySpanExporter();
let h: RouteHarness;
let analyze: (request: Request) => Promise<Response>;
let chat: (request: Request) => Promise<Response>;

beforeAll(async () => {
  registerTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  h = await startRouteHarness(session, "tracing");
  analyze = (await import("@/app/api/ai/activity-analyzer/route")).POST;
  chat = (await import("@/app/api/ai/chat/route")).POST;
});

afterAll(async () => {
  await h?.close();
  // The SDK registered for this file: flushed and stopped, so the worker exits.
  const provider = trace.getTracerProvider() as { getDelegate?: () => { shutdown?: () => Promise<void> } };
  await provider.getDelegate?.().shutdown?.();
});

const DESCRIPTION = "Forty minutes of hill repeats on the bike, then a secret-prompt-marker stretch";

const post = (route: (r: Request) => Promise<Response>, path: string, body: unknown) =>
  route(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

/** The spans of the trace whose metered request span has `requestId`, by name. */
async function traceOf(requestId: string) {
  await vi.waitFor(() =>
    expect(exporter.getFinishedSpans().some((s) => s.attributes[ATTR.requestId] === requestId)).toBe(true),
  );
  const root = exporter
    .getFinishedSpans()
    .find((s) => s.name === SPAN.request && s.attributes[ATTR.requestId] === requestId)!;
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
  const named = (name: string) => spans.filter((s) => s.name === name);
  const childOf = (span: ReadableSpan, parent: ReadableSpan) =>
    span.parentSpanContext?.spanId === parent.spanContext().spanId;
  return { root, spans, named, childOf };
}

/** No attribute of any span (Prisma's and fetch's included) carries `text`. */
function expectNowhere(spans: ReadableSpan[], text: string) {
  for (const span of spans) expect(JSON.stringify(span.attributes), span.name).not.toContain(text);
}

describe("metering traces", () => {
  it("a charged call: the request span with hold, model call and settle as children, exact millitokens", async () => {
    const userId = await h.signIn(1_000_000n);
    const response = await post(analyze, "/api/ai/activity-analyzer", { description: DESCRIPTION });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id")!;
    const { root, spans, named, childOf } = await traceOf(requestId);

    const [row] = await h.consumeRows(userId);
    const reservation = await h.t.db.tokenReservation.findFirstOrThrow({ where: { userId } });
    expect(root.attributes).toMatchObject({
      [ATTR.feature]: "activity-analyzer",
      [ATTR.userId]: userId,
      [ATTR.outcome]: "charged",
      [ATTR.model]: ACTIVITY_MODEL,
      [ATTR.heldMillitokens]: Number(reservation.amount),
      [ATTR.chargedMillitokens]: Number(row!.costMicroUsd),
      [ATTR.callId]: reservation.requestId,
      [ATTR.status]: 200,
    });
    const [hold] = named(SPAN.hold);
    const [model] = named(SPAN.modelCall);
    const [settle] = named(SPAN.settle);
    for (const child of [hold!, model!, settle!]) expect(childOf(child, root), child.name).toBe(true);
    expect(named(SPAN.release)).toHaveLength(0);
    expect(hold!.attributes).toMatchObject({ [ATTR.heldMillitokens]: Number(reservation.amount) });
    expect(settle!.attributes).toMatchObject({
      [ATTR.outcome]: "charged",
      [ATTR.chargedMillitokens]: Number(row!.costMicroUsd),
      [ATTR.heldMillitokens]: Number(reservation.amount),
    });
    // The stages end in order, and the request after them (the exporter receives spans as they end).
    expect([hold, model, settle, root].map((s) => spans.indexOf(s!))).toEqual(
      [hold, model, settle, root].map((s) => spans.indexOf(s!)).sort((a, b) => a - b),
    );
    // The provider's HTTP call nests under the model call (fetch instrumentation, context across awaits).
    const fetches = spans.filter((s) => s !== model && childOf(s, model!));
    expect(fetches.length).toBeGreaterThan(0);
    // Prisma's instrumentation is on: the wrapper's own queries are spans of the same trace.
    expect(spans.some((s) => s.instrumentationScope.name.includes("prisma"))).toBe(true);

    const user = await h.t.db.user.findUniqueOrThrow({ where: { id: userId } });
    expectNowhere(spans, "secret-prompt-marker");
    expectNowhere(spans, user.email!);
  });

  it("a refused call (402): the hold span says refused; no model call, no settle", async () => {
    const userId = await h.signIn();
    await leaveAvailable(h.t, userId, 0n);
    const response = await post(analyze, "/api/ai/activity-analyzer", { description: DESCRIPTION });
    expect(response.status).toBe(402);
    const { root, named, childOf, spans } = await traceOf(response.headers.get("x-request-id")!);
    expect(root.attributes).toMatchObject({ [ATTR.outcome]: "refused", [ATTR.status]: 402, [ATTR.userId]: userId });
    const [hold] = named(SPAN.hold);
    expect(childOf(hold!, root)).toBe(true);
    expect(hold!.attributes[ATTR.outcome]).toBe("refused");
    expect(typeof hold!.attributes[ATTR.heldMillitokens]).toBe("number"); // the worst case it asked for
    expect(named(SPAN.modelCall)).toHaveLength(0);
    expect(named(SPAN.settle)).toHaveLength(0);
    expect(named(SPAN.release)).toHaveLength(0);
    expectNowhere(spans, "secret-prompt-marker");
  });

  it("a failed call: the model call's error is recorded, the hold released, nothing charged", async () => {
    const userId = await h.signIn(1_000_000n);
    h.simulator.injectFault("error-500", 2); // the first attempt and its one retry (lib/ai/attempts.ts)
    const response = await post(chat, "/api/ai/chat", { message: "Plan my secret-prompt-marker week" });
    expect(response.status).toBe(502);
    const { root, named, childOf, spans } = await traceOf(response.headers.get("x-request-id")!);
    const reservation = await h.t.db.tokenReservation.findFirstOrThrow({ where: { userId } });
    expect(reservation.status).toBe("released");
    expect(root.attributes).toMatchObject({
      [ATTR.feature]: "chat",
      [ATTR.model]: CHAT_MODEL,
      [ATTR.outcome]: "released",
      [ATTR.chargedMillitokens]: 0,
      [ATTR.status]: 502,
    });
    const [model] = named(SPAN.modelCall);
    const [release] = named(SPAN.release);
    expect(childOf(model!, root) && childOf(release!, root)).toBe(true);
    expect(model!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(model!.events.some((e) => e.name === "exception")).toBe(true);
    expect(release!.attributes).toMatchObject({
      [ATTR.outcome]: "released",
      [ATTR.chargedMillitokens]: 0,
      [ATTR.heldMillitokens]: Number(reservation.amount),
    });
    expect(named(SPAN.settle)).toHaveLength(0);
    expectNowhere(spans, "secret-prompt-marker");
  });

  it("a stream: the request span ends with the stream's settle, which is its child", async () => {
    const userId = await h.signIn(1_000_000n);
    const response = await post(chat, "/api/ai/chat", { message: "One tip for a secret-prompt-marker recovery day" });
    expect(response.status).toBe(200);
    await response.text();
    const { root, named, childOf, spans } = await traceOf(response.headers.get("x-request-id")!);
    const [row] = await h.consumeRows(userId);
    const [settle] = named(SPAN.settle);
    expect(childOf(settle!, root)).toBe(true);
    expect(root.attributes).toMatchObject({
      [ATTR.outcome]: "charged",
      [ATTR.chargedMillitokens]: Number(row!.costMicroUsd),
    });
    // The exporter receives spans as they end: the settle's before the request's.
    expect(spans.indexOf(settle!)).toBeLessThan(spans.indexOf(root));
  });
});
