// POST /api/bench/bare — for `npm run bench:meter` only: the same trivial work as
// /api/bench/metered (parse `{ "text": "…" }`, answer its length) without `withTokens`, so the
// benchmark can subtract it. No session check, no database.
//
// Not a product surface: it answers 404 unless TOLLGATE_BENCH_ROUTES=1, which only the benchmark
// sets on the server it starts.
import { NextResponse } from "next/server";
import { z } from "zod";
import { env } from "@/lib/env";
import { readJsonLimited } from "@/lib/http/body";

export const dynamic = "force-dynamic";

const inputSchema = z.object({ text: z.string().min(1).max(10_000) });

export async function POST(request: Request): Promise<Response> {
  if (!env().TOLLGATE_BENCH_ROUTES) return new NextResponse(null, { status: 404 });
  // The same bounded read as withTokens' (1 MB), so the bench subtracts like for like.
  const read = await readJsonLimited(request, 1_000_000);
  if (!read.ok) return read.response;
  const input = inputSchema.safeParse(read.value);
  if (!input.success)
    return NextResponse.json({ error: "invalid_request", message: 'Send { "text": "…" }.' }, { status: 400 });
  return NextResponse.json({ ok: true, length: input.data.text.length }, { headers: { "cache-control": "no-store" } });
}
