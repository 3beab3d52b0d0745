"use client";
// One bucket of the signed-in user's balance, kept live like the sidebar widget (server-rendered
// first, then the shared stream), for pages that show balance figures.
import { useLocale } from "next-intl";
import { formatTokens } from "@/lib/format";
import type { LiveBalance } from "@/lib/tokens/live/snapshot";
import { useLiveBalance } from "./live-balance";

type Bucket = "available" | "allowance" | "purchased" | "reserved";

export function LiveTokenAmount({ bucket, initial }: { bucket: Bucket; initial: string }) {
  const { balance } = useLiveBalance();
  const locale = useLocale();
  const value: LiveBalance[Bucket] = balance?.[bucket] ?? initial;
  return <>{formatTokens(value, locale)}</>;
}
