// Runs the OpenAI simulator until SIGINT/SIGTERM:
//   tsx dev/openai-simulator/cli.ts [--port 4010] [--latency-ms 0] [--tokens-per-second 0]
// Then point the app at it with OPENAI_BASE_URL=<printed url> and any OPENAI_API_KEY.
import { closeOnSignals, parseCli } from "../simulator-cli";
import { startOpenAISimulator } from "./server";

const USAGE = "usage: tsx dev/openai-simulator/cli.ts [--port N] [--latency-ms N] [--tokens-per-second N]";

async function main(): Promise<void> {
  const cli = parseCli(USAGE, ["port", "latency-ms", "tokens-per-second"]);
  const simulator = await startOpenAISimulator({
    port: cli.number("port") ?? 0,
    latencyMs: cli.number("latency-ms", { fractional: true }),
    tokensPerSecond: cli.number("tokens-per-second", { fractional: true }),
    webrtc: true,
  });
  console.log(`OpenAI simulator listening on ${simulator.url}`);
  console.log(`  OPENAI_BASE_URL=${simulator.url} OPENAI_API_KEY=sk-simulator`);
  console.log("  Ctrl-C to stop.");
  closeOnSignals(
    (signal) => `${signal}: stopping the OpenAI simulator (${simulator.requests.length} requests served).`,
    () => simulator.close(),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
