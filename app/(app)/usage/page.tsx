import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  await requireUser("/usage");
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
      <p className="mt-4 text-zinc-700">Your consumption per day, by feature and by model, will appear here.</p>
    </>
  );
}
