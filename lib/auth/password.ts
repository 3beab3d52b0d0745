// Password hashing with argon2id (@node-rs/argon2, OWASP's recommended parameters by default).
import { hash, verify } from "@node-rs/argon2";

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verifying against this when the e-mail is unknown keeps the response time the same as for a
// wrong password, so timing does not reveal which addresses have accounts.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$NjvQyiGcO/wYLVOt14cBHg$lvgqeANZcc2yyFDOTJ9B/cB7Cig4iaVL1UjtW4+g27Q";

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return ok && Boolean(passwordHash);
  } catch {
    return false;
  }
}
