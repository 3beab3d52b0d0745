// Admin overview. Placeholder until the Business section lands here; it checks the role itself.
import { requireAdmin } from "@/lib/auth/admin";

export const metadata = { title: "Overview" };

export default async function AdminOverviewPage() {
  await requireAdmin("/admin");
  return <h1 className="text-2xl font-semibold text-zinc-900">Admin</h1>;
}
