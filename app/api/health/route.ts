// GET /api/health — liveness and database reachability, for deploy checks and the e2e server wait.
import { NextResponse } from "next/server";
import { databaseReachable } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET() {
  return (await databaseReachable())
    ? NextResponse.json({ ok: true, database: "up" })
    : NextResponse.json({ ok: false, database: "down" }, { status: 503 });
}
