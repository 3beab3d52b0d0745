// Runs once when a server starts: a misconfigured environment fails here, at boot, with a message
// naming the variable — not on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./lib/env");
    env();
    // Every instance sweeps the realtime voice sessions nobody drives (docs/REALTIME_METERING.md),
    // also when it has started none since it booted.
    const [{ realtimeMeter }, { openai }] = await Promise.all([
      import("./lib/ai/voice-coach-meter"),
      import("./lib/ai/client"),
    ]);
    realtimeMeter(openai).startSweeper();
  }
}
