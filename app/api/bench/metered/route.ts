// POST /api/bench/metered — for `npm run bench:meter` only: the trivial handler of /api/bench/bare
// behind `withTokens` (session → rate limit → parse → estimate → reserve → handler → settle). The
// handler reports a fixed usage instead of calling a model, so the benchmark measures the wrapper.
//
// Not a product surface: it answers 404 unless TOLLGATE_BENCH_ROUTES=1, which only the benchmark
// sets on the server it starts.
import { NextResponse } from "next/server";
import { z } from "zod";
import { env } from "@/lib/env";
import { withTokens } from "@/lib/ai/metered";
import { textUsage } from "@/lib/tokens/cost";

export const dynamic = "force-dynamic";

const BENCH_MODEL = "gpt-5-mini";
const inputSchema = z.object({ text: z.string().min(1).max(10_000) });

const metered = withTokens(
  "bench",
  ({ input, meter }) => {
    meter.record(BENCH_MODEL, textUsage({ inputTokens: 12, outputTokens: 8 }));
    return { ok: true, length: input.text.length };
  },
  {
    input: inputSchema,
    estimate: (input, { engine }) =>
      engine.estimateTextCost(BENCH_MODEL, { messages: [{ role: "user", content: input.text }], maxOutputTokens: 16 }),
  },
);

export async function POST(request: Request): Promise<Response> {
  if (!env().TOLLGATE_BENCH_ROUTES) return new NextResponse(null, { status: 404 });
  return metered(request);
}
