// Runs once when a server starts: a misconfigured environment fails here, at boot, with a message
// naming the variable — not on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { env } = await import("./lib/env");
    env();
  }
}
