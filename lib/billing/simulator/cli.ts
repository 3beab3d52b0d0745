// Runs the Stripe simulator until SIGINT/SIGTERM:
//   tsx lib/billing/simulator/cli.ts [--port 12111] [--webhook-url URL] [--webhook-secret whsec_…] [--latency-ms 0]
// Then point the app at it with the printed STRIPE_* variables.
import { parseArgs } from "node:util";
import { startStripeSimulator } from "./server";

const USAGE =
  "usage: tsx lib/billing/simulator/cli.ts [--port N] [--webhook-url URL] [--webhook-secret whsec_…] [--secret-key sk_test_…] [--latency-ms N] [--async-payment-delay-ms N]";

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        "webhook-url": { type: "string" },
        "webhook-secret": { type: "string" },
        "secret-key": { type: "string" },
        "latency-ms": { type: "string" },
        "async-payment-delay-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const simulator = await startStripeSimulator({
    port: numberOption("port", values.port as string | undefined) ?? 0,
    webhookUrl: (values["webhook-url"] as string | undefined) ?? null,
    webhookSecret: values["webhook-secret"] as string | undefined,
    secretKey: values["secret-key"] as string | undefined,
    latencyMs: numberOption("latency-ms", values["latency-ms"] as string | undefined),
    asyncPaymentDelayMs: numberOption("async-payment-delay-ms", values["async-payment-delay-ms"] as string | undefined),
  });
  console.log(`Stripe simulator listening on ${simulator.url}`);
  console.log(`  STRIPE_SECRET_KEY=${simulator.secretKey} STRIPE_WEBHOOK_SECRET=${simulator.webhookSecret} STRIPE_API_BASE=${simulator.url}`);
  console.log(`  webhooks → ${simulator.webhookUrl() ?? "(none: pass --webhook-url)"}`);
  console.log(`  control API: ${simulator.url}/_simulator   Ctrl-C to stop.`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Stripe simulator (${simulator.events.length} events, ${simulator.deliveries.length} deliveries).`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
