// /api/auth/* — next-auth's sign-in, callback, session and sign-out endpoints. next-auth reads the
// body whole: it gets it only after it was read within AUTH_BODY_MAX_BYTES (a sign-in form's fields
// are a few hundred bytes), so an anonymous client cannot make the server buffer an endless body.
import { handlers } from "@/lib/auth";
import { withBodyLimit } from "@/lib/http/body";

const AUTH_BODY_MAX_BYTES = 64 * 1024;

export const GET = handlers.GET;
export const POST = withBodyLimit(AUTH_BODY_MAX_BYTES, handlers.POST);
