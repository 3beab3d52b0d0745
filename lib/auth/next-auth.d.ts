import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface User {
    role?: "user" | "admin";
  }
  interface Session {
    user: { id: string; role: "user" | "admin" } & DefaultSession["user"];
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    role?: "user" | "admin";
    /** The user's session version when the token was issued (lib/auth/session-version.ts). */
    sv?: number;
  }
}
