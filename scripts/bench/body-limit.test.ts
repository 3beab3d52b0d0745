// The measurement of issue 14 §5 "Bodies" as a test: a 400 MiB chunked, unsigned POST to the Stripe
// webhook route (the real handler, streamed its body as Next.js does) is refused with 413, and the
// server process's peak resident memory grows by less than 50 MB. Before the bounded reader the
// same POST grew it by ~1.2 GB (the whole body was buffered, then refused).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("the webhook route under a 400 MiB chunked POST", () => {
  it("answers 413 and grows the server by less than 50 MB", async () => {
    const script = path.resolve(import.meta.dirname, "body-limit.ts");
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, "400"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, TSX_TSCONFIG_PATH: "tsconfig.scripts.json" },
      timeout: 60_000,
    });
    const bench = JSON.parse(/^BENCH (.*)$/m.exec(stdout)![1]!) as { status: number; growthMB: number };
    expect(bench.status).toBe(413);
    expect(bench.growthMB).toBeLessThan(50);
  }, 90_000);
});
