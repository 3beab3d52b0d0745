"use server";
// Saves the signed-in user's language and time zone. The session is checked here (a server action
// is a public endpoint); lib/i18n/preferences.ts validates with zod and stores.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { LanguageFormState } from "@/components/language-form";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { saveLocalePreferences } from "@/lib/i18n/preferences";

export async function saveLanguageAction(_prev: LanguageFormState, formData: FormData): Promise<LanguageFormState> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/settings/language");
  const result = await saveLocalePreferences(db(), user.id, {
    locale: formData.get("locale"),
    timeZone: formData.get("timeZone"),
  });
  if (!result.ok) return { error: { field: result.field, message: result.message } };
  // Every page renders in the new language from the next request on (the root layout included).
  revalidatePath("/", "layout");
  return { saved: true };
}
