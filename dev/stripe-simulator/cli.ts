// Runs the Stripe simulator until SIGINT/SIGTERM:
//   tsx dev/stripe-simulator/cli.ts [--port 12111] [--webhook-url URL] [--webhook-secret whsec_…] [--latency-ms 0]
// Then point the app at it with the printed STRIPE_* variables.
import { closeOnSignals, parseCli } from "../simulator-cli";
import { startStripeSimulator } from "./server";

const USAGE =
  "usage: tsx dev/stripe-simulator/cli.ts [--port N] [--webhook-url URL] [--webhook-secret whsec_…] [--secret-key sk_test_…] [--latency-ms N] [--async-payment-delay-ms N]";

async function main(): Promise<void> {
  const cli = parseCli(USAGE, [
    "port",
    "webhook-url",
    "webhook-secret",
    "secret-key",
    "latency-ms",
    "async-payment-delay-ms",
  ]);
  const simulator = await startStripeSimulator({
    port: cli.number("port") ?? 0,
    webhookUrl: cli.values["webhook-url"] ?? null,
    webhookSecret: cli.values["webhook-secret"],
    secretKey: cli.values["secret-key"],
    latencyMs: cli.number("latency-ms"),
    asyncPaymentDelayMs: cli.number("async-payment-delay-ms"),
  });
  console.log(`Stripe simulator listening on ${simulator.url}`);
  console.log(
    `  STRIPE_SECRET_KEY=${simulator.secretKey} STRIPE_WEBHOOK_SECRET=${simulator.webhookSecret} STRIPE_API_BASE=${simulator.url}`,
  );
  console.log(`  webhooks → ${simulator.webhookUrl() ?? "(none: pass --webhook-url)"}`);
  console.log(`  control API: ${simulator.url}/_simulator   Ctrl-C to stop.`);

  closeOnSignals(
    (signal) =>
      `${signal}: stopping the Stripe simulator (${simulator.events.length} events, ${simulator.deliveries.length} deliveries).`,
    () => simulator.close(),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
