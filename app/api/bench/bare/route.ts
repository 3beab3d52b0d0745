// POST /api/bench/bare — for `npm run bench:meter` only: the same trivial work as
// /api/bench/metered (parse `{ "text": "…" }`, answer its length) without `withTokens`, so the
// benchmark can subtract it. No session check, no database.
//
// Not a product surface: it answers 404 unless TOLLGATE_BENCH_ROUTES=1, which only the benchmark
// sets on the server it starts.
import { NextResponse } from "next/server";
import { z } from "zod";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";


const inputSchema = z.object({ text: z.string().min(1).max(10_000) });

export async function POST(request: Request): Promise<Response> {
  if (!env().TOLLGATE_BENCH_ROUTES) return new NextResponse(null, { status: 404 });
  let data: unknown;
  try {
    data = await request.json();
  } catch {
    return NextResponse.json({ error: "invalid_request", message: "The request body is not valid JSON." }, { status: 400 });
  }
  const input = inputSchema.safeParse(data);
  if (!input.success) return NextResponse.json({ error: "invalid_request", message: "Send { \"text\": \"…\" }." }, { status: 400 });
  return NextResponse.json({ ok: true, length: input.data.text.length }, { headers: { "cache-control": "no-store" } });
}
