import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { RefineForm } from "./form";

export const metadata: Metadata = { title: aiFeature("scan-refine-morphs").title };

export default async function Page() {
  await requireUser("/ai/scan-refine-morphs");
  const feature = await featurePageData("scan-refine-morphs");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <RefineForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
