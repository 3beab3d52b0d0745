import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { IllustrationForm } from "./form";

export const metadata: Metadata = { title: aiFeature("generate-training-illustration").title };

export default async function Page() {
  await requireUser("/ai/generate-training-illustration");
  const feature = await featurePageData("generate-training-illustration");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <IllustrationForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
