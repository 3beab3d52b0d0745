// The server's OpenTelemetry SDK: @vercel/otel (context across awaits, W3C trace context, fetch
// spans — the OpenAI SDK's calls among them — and the OTLP exporter it configures from the standard
// OTEL_* variables) plus Prisma's instrumentation (a span per query: its operation and SQL text,
// never its parameters). instrumentation.ts registers it only when an OTLP endpoint is configured
// (lib/env.ts `tracingEnv`); otherwise nothing is registered and every span is a no-op.
//
// What the metering spans carry, and what they never carry (prompts, answers, e-mail addresses), is
// said in lib/tokens/metering/trace.ts.
import { PrismaInstrumentation } from "@prisma/instrumentation";
import { registerOTel, type Configuration } from "@vercel/otel";

export const SERVICE_NAME = "tollgate";

/** Registers the SDK once per process; `overrides` replace the defaults (a test's in-memory exporter). */
export function registerTracing(overrides: Partial<Configuration> = {}): void {
  registerOTel({
    serviceName: SERVICE_NAME,
    instrumentations: ["auto", new PrismaInstrumentation()],
    ...overrides,
  });
}
