// Users created by an OAuth sign-in. next-auth creates every OAuth user with `emailVerified: null`;
// whether the provider vouched for the address travels in the profile instead (PROVIDER_VERIFIED).
// Google states it (`email_verified`); GitHub's profile does not say, so its users verify by mail.
import type { GoogleProfile } from "next-auth/providers/google";
import type { Db } from "../db/connect";
import { sendSoon } from "../mail/deliver";
import { queueVerificationMail } from "./email-verification";
import { createUserWithAccount, type NewUser } from "./users";

export const PROVIDER_VERIFIED = "providerVerifiedEmail";

/** Google's profile, with whether Google verified the address. */
export function googleProfile(profile: GoogleProfile) {
  return {
    id: profile.sub,
    name: profile.name,
    email: profile.email,
    image: profile.picture,
    [PROVIDER_VERIFIED]: profile.email_verified === true,
  };
}

/**
 * Creates an OAuth user: with the token account at once when the provider verified the address,
 * otherwise without it and with a verification mail queued in the same transaction.
 */
export async function createOAuthUser(db: Db, data: NewUser & { [PROVIDER_VERIFIED]?: unknown }, appUrl: string) {
  const fields: NewUser = { email: data.email, name: data.name ?? null, image: data.image ?? null };
  if (data[PROVIDER_VERIFIED] === true) return createUserWithAccount(db, { ...fields, emailVerified: new Date() });
  const user = await db.$transaction(async (tx) => {
    const created = await tx.user.create({ data: { ...fields, email: fields.email.toLowerCase() } });
    await queueVerificationMail(tx, { userId: created.id, email: created.email, appUrl });
    return created;
  });
  sendSoon();
  return user;
}
