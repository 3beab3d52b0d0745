// The <title> of an AI feature page, in the user's language (the catalogue's "features" namespace).
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { FeatureSlug } from "@/lib/ai/features";

export async function featureMetadata(slug: FeatureSlug): Promise<Metadata> {
  return { title: (await getTranslations("features"))(`${slug}.title`) };
}
