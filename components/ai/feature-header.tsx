// The top of an AI feature page: its title and what it does (the catalogue's "features" namespace,
// in the user's language) and the model it uses.
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";
import type { FeatureSlug } from "@/lib/ai/features";

export function FeatureHeader({ slug, model, children }: { slug: FeatureSlug; model: string; children?: ReactNode }) {
  const t = useTranslations("features");
  const ta = useTranslations("ai");
  return (
    <header className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight">{t(`${slug}.title`)}</h1>
      <p className="mt-1 text-zinc-700">{t(`${slug}.description`)}</p>
      <p className="mt-1 text-xs text-zinc-500">{ta("model", { model })}</p>
      {children}
    </header>
  );
}
