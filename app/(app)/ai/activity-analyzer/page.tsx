import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { ActivityForm } from "./form";

export const metadata: Metadata = { title: aiFeature("activity-analyzer").title };

export default async function Page() {
  await requireUser("/ai/activity-analyzer");
  const feature = await featurePageData("activity-analyzer");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <ActivityForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
