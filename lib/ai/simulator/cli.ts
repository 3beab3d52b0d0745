// Runs the OpenAI simulator until SIGINT/SIGTERM:
//   tsx lib/ai/simulator/cli.ts [--port 4010] [--latency-ms 0] [--tokens-per-second 0]
// Then point the app at it with OPENAI_BASE_URL=<printed url> and any OPENAI_API_KEY.
import { parseArgs } from "node:util";
import { startOpenAISimulator } from "./server";

const USAGE = "usage: tsx lib/ai/simulator/cli.ts [--port N] [--latency-ms N] [--tokens-per-second N]";

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${value}"\n${USAGE}`);
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
        "latency-ms": { type: "string" },
        "tokens-per-second": { type: "string" },
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
  const simulator = await startOpenAISimulator({
    port: numberOption("port", values.port as string | undefined) ?? 0,
    latencyMs: numberOption("latency-ms", values["latency-ms"] as string | undefined),
    tokensPerSecond: numberOption("tokens-per-second", values["tokens-per-second"] as string | undefined),
  });
  console.log(`OpenAI simulator listening on ${simulator.url}`);
  console.log(`  OPENAI_BASE_URL=${simulator.url} OPENAI_API_KEY=sk-simulator`);
  console.log("  Ctrl-C to stop.");

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the OpenAI simulator (${simulator.requests.length} requests served).`);
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
