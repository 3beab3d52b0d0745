"use server";
// Settings → Limits & alerts: the signed-in user's spend limit and usage alerts. Each action checks
// the session itself (a server action is a public endpoint), validates the form with zod, writes
// only the signed-in user's rows, and answers with a redirect the page words (?saved= / ?error=).
// An admin's cap cannot be changed here: setOwnSpendLimit refuses it in its own UPDATE, so a forged
// form changes nothing.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { usageAlertSettingsSchema, writeUsageAlerts } from "@/lib/mail/notifications/usage-alerts";
import { setOwnSpendLimit, spendCapTokensSchema, tokensToCap } from "@/lib/tokens/spend-limit";

const PAGE = "/settings/limits";

const capForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), cap: spendCapTokensSchema }),
  z.object({ intent: z.literal("remove") }),
]);

async function signedIn() {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${PAGE}`);
  return user;
}

export async function saveSpendLimit(formData: FormData): Promise<void> {
  const user = await signedIn();
  const parsed = capForm.safeParse({ intent: formData.get("intent"), cap: formData.get("cap") ?? undefined });
  if (!parsed.success) redirect(`${PAGE}?error=cap_invalid`);
  const cap = parsed.data.intent === "save" ? tokensToCap(parsed.data.cap) : null;
  const result = await setOwnSpendLimit(db(), user.id, cap);
  if (!result.ok) redirect(`${PAGE}?error=${result.error}`);
  revalidatePath(PAGE);
  redirect(`${PAGE}?saved=${cap === null ? "cap_removed" : "cap"}`);
}

export async function saveUsageAlerts(formData: FormData): Promise<void> {
  const user = await signedIn();
  const parsed = usageAlertSettingsSchema.safeParse({
    thresholds: formData.get("thresholds") ?? "",
    basis: formData.get("basis"),
  });
  if (!parsed.success) redirect(`${PAGE}?error=alerts_invalid`);
  await writeUsageAlerts(db(), user.id, parsed.data);
  revalidatePath(PAGE);
  redirect(`${PAGE}?saved=alerts`);
}
