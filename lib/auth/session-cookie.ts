// The names of next-auth's session cookie and how to find it in a Cookie header — shared by the
// proxy (which must stay free of next-auth and the database) and `sessionUserId`.

/** https deployments use the __Secure- name; next-auth splits a large token into `.0`, `.1` … chunks. */
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/** The session cookie's name and value (chunks joined), or null when there is none. */
export function findSessionCookie(cookies: ReadonlyMap<string, string>): { name: string; value: string } | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return { name, value: whole };
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return { name, value: chunks.join("") };
  }
  return null;
}

/** A Cookie header as a map of name → value. */
export function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}
