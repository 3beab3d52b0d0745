import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { TranscribeForm } from "./form";

export const generateMetadata = () => featureMetadata("transcribe");

export default async function Page() {
  await requireUser("/ai/transcribe");
  const feature = await featurePageData("transcribe");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <TranscribeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
