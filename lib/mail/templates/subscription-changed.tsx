// The subscription sync saw a change the subscriber should hear about: it became active, its plan
// changed, or it was cancelled (at the period's end, or at once).
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const SUBSCRIPTION_CHANGES = ["active", "plan_changed", "cancelled", "ended"] as const;

const titles = {
  active: "Your subscription is active",
  plan_changed: "Your plan changed",
  cancelled: "Your subscription is cancelled",
  ended: "Your subscription has ended",
} as const;

export const subscriptionChanged = defineMailTemplate({
  category: "billing",
  schema: z.object({
    change: z.enum(SUBSCRIPTION_CHANGES),
    planName: z.string().nullable(),
    previousPlanName: z.string().nullable(),
    /** For a cancellation at the period's end: when the plan stops (ISO). */
    endsAt: z.iso.datetime().nullable(),
  }),
  subject: ({ change, planName }) =>
    `${titles[change]}${planName && change !== "ended" ? `: ${planName}` : ""} (${PRODUCT_NAME})`,
  render: ({ change, planName, previousPlanName, endsAt }, { appUrl }) => (
    <MailLayout
      title={titles[change]}
      frame={{ appUrl, preview: titles[change], reason: "You get this mail because you have a subscription at" }}
    >
      {change === "active" && (
        <Paragraph>Thank you: your {planName ?? PRODUCT_NAME} plan is active, with its monthly tokens.</Paragraph>
      )}
      {change === "plan_changed" && (
        <Paragraph>
          Your plan changed{previousPlanName ? ` from ${previousPlanName}` : ""} to {planName ?? "a new plan"}.
        </Paragraph>
      )}
      {change === "cancelled" && (
        <Paragraph>
          Your {planName ?? PRODUCT_NAME} plan is cancelled
          {endsAt ? ` and ends on ${endsAt.slice(0, 10)} (UTC); until then you keep it and its tokens` : ""}. You can
          resume it from your subscription settings before then.
        </Paragraph>
      )}
      {change === "ended" && (
        <Paragraph>
          Your {planName ?? PRODUCT_NAME} plan has ended. You keep the tokens you bought; from the next period you get
          the free tier.
        </Paragraph>
      )}
      <Action href={`${appUrl}/settings/subscription`}>Open your subscription</Action>
    </MailLayout>
  ),
});
