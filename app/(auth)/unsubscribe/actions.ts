"use server";
// The unsubscribe page's button: no session needed — the signed token is the authority.
import { redirect } from "next/navigation";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { unsubscribeWithToken } from "@/lib/mail/notifications/unsubscribe";

const tokenSchema = z.string().min(1).max(512);

export async function unsubscribeAction(formData: FormData): Promise<void> {
  const token = tokenSchema.safeParse(formData.get("token"));
  if (!token.success) redirect("/unsubscribe?error=invalid");
  const result = await unsubscribeWithToken(db(), env().AUTH_SECRET, token.data);
  if (!result.ok) redirect("/unsubscribe?error=invalid");
  redirect(`/unsubscribe?done=${result.kind}`);
}
