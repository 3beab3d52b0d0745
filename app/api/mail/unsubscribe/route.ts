// /api/mail/unsubscribe?token=… — the URL of a notification mail's unsubscribe link and its
// List-Unsubscribe header. Authenticated by the token alone (an HMAC over the user and the kind,
// lib/mail/notifications/unsubscribe.ts): it works without signing in, as RFC 8058 requires.
//
//   POST (RFC 8058 one-click: the mail client sends `List-Unsubscribe=One-Click`): turns the kind
//        off and answers 200; a token that is not ours answers 400.
//   GET  (a person following the link): the confirm page, whose button is a POST — so a mail
//        scanner that opens links unsubscribes nobody.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { UNSUBSCRIBE_PAGE_PATH, unsubscribeWithToken } from "@/lib/mail/notifications/unsubscribe";

export const dynamic = "force-dynamic";

export const POST = withErrorContract("POST /api/mail/unsubscribe", async (request: Request): Promise<Response> => {
  const token = new URL(request.url).searchParams.get("token");
  const result = await unsubscribeWithToken(db(), env().AUTH_SECRET, token);
  if (!result.ok) return apiError("invalid_request", "This unsubscribe link is not valid (it may have been altered).");
  return jsonResponse({ unsubscribed: result.kind });
});

export const GET = withErrorContract("GET /api/mail/unsubscribe", async (request: Request): Promise<Response> => {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const page = new URL(UNSUBSCRIBE_PAGE_PATH, env().APP_URL);
  page.searchParams.set("token", token);
  return NextResponse.redirect(page, 303);
});
