// Runs once when a server starts: a misconfigured environment fails here, at boot, with a message
// naming the variable — not on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env, tracingEnv } = await import("./lib/env");
    env();
    // Traces go to an OTLP collector only when one is configured (README "Traces"); without one no
    // SDK is loaded and the metering spans cost nothing.
    if (tracingEnv().export) (await import("./lib/telemetry/tracing")).registerTracing();
    // Every instance sweeps the realtime voice sessions nobody drives (docs/REALTIME_METERING.md),
    // also when it has started none since it booted.
    const [{ realtimeMeter }, { openai }] = await Promise.all([
      import("./lib/ai/voice-coach-meter"),
      import("./lib/ai/client"),
    ]);
    realtimeMeter(openai).startSweeper();
  }
}
