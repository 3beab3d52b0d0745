"use server";
// Server action of the mail page. Checks the admin role itself (a server action is reachable
// without its page), validates the id, and queues the failed mail again.
import { redirect } from "next/navigation";
import { z } from "zod";
import { mailIdSchema, retryFailedMail } from "@/lib/admin/mail";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { sendSoon } from "@/lib/mail/deliver";

const retrySchema = z.object({ id: mailIdSchema });

/** Form field `id`: a failed mail back into the queue, sent at once when SMTP takes it. */
export async function retryMail(formData: FormData): Promise<void> {
  await requireAdmin("/admin/mail");
  const parsed = retrySchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect("/admin/mail?status=failed&retry=invalid");
  const retried = await retryFailedMail(db(), parsed.data.id);
  if (retried) sendSoon();
  redirect(`/admin/mail?status=failed&retry=${retried ? "queued" : "not_failed"}`);
}
