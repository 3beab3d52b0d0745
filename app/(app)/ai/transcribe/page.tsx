import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { TranscribeForm } from "./form";

export const metadata: Metadata = { title: aiFeature("transcribe").title };

export default async function Page() {
  await requireUser("/ai/transcribe");
  const feature = await featurePageData("transcribe");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <TranscribeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
