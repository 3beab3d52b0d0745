"use server";
// Saves the notification preferences of the signed-in user: the session is checked here (a server
// action is a public endpoint), and the form is validated with zod (an unchecked box is absent).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { NOTIFICATION_KINDS, writePreferences } from "@/lib/mail/notifications/preferences";

const checkbox = z.union([z.literal("on"), z.null()]).transform((value) => value === "on");
const formSchema = z.object({
  low_balance: checkbox,
  tokens_depleted: checkbox,
  monthly_summary: checkbox,
  usage_alert: checkbox,
});

export async function saveNotificationPreferences(formData: FormData): Promise<void> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/settings/notifications");
  const parsed = formSchema.safeParse(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, formData.get(k)])));
  if (!parsed.success) redirect("/settings/notifications?error=invalid");
  await writePreferences(db(), user.id, parsed.data);
  revalidatePath("/settings/notifications");
  redirect("/settings/notifications?saved=1");
}
