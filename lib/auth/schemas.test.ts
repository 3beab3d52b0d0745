import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import { FORM_ERROR_CODES, formErrorCode, signInSchema, signUpSchema } from "./schemas";

/** Field → error code of every problem, or the parsed data. */
function check(schema: typeof signUpSchema | typeof signInSchema, input: unknown) {
  const result = schema.safeParse(input);
  return result.success
    ? { data: result.data }
    : { errors: result.error.issues.map((i) => [i.path.join("."), i.message]) };
}

describe("signUpSchema", () => {
  it("normalises the e-mail address and drops an empty name", () => {
    expect(check(signUpSchema, { email: "  Ada@Example.COM ", password: "12345678", name: "  " })).toEqual({
      data: { email: "ada@example.com", password: "12345678" },
    });
    expect(check(signUpSchema, { email: "ada@example.com", password: "12345678", name: " Ada " })).toEqual({
      data: { email: "ada@example.com", password: "12345678", name: "Ada" },
    });
  });

  it("asks for what is missing", () => {
    expect(check(signUpSchema, {})).toEqual({
      errors: [
        ["email", "email_required"],
        ["password", "password_choose"],
      ],
    });
  });

  it("says what is wrong with each field", () => {
    expect(check(signUpSchema, { email: "ada@", password: "1234567", name: "n".repeat(81) })).toEqual({
      errors: [
        ["name", "name_too_long"],
        ["email", "email_invalid"],
        ["password", "password_too_short"],
      ],
    });
    expect(check(signUpSchema, { email: `${"a".repeat(250)}@b.co`, password: "p".repeat(129) })).toEqual({
      errors: [
        ["email", "email_too_long"],
        ["password", "password_too_long"],
      ],
    });
  });

  it("accepts the limits themselves", () => {
    const r = check(signUpSchema, { email: "a@b.co", password: "p".repeat(128), name: "n".repeat(80) });
    expect(r).toEqual({ data: { email: "a@b.co", password: "p".repeat(128), name: "n".repeat(80) } });
    expect(check(signUpSchema, { email: "a@b.co", password: "p".repeat(8) })).toEqual({
      data: { email: "a@b.co", password: "pppppppp" },
    });
  });
});

describe("signInSchema", () => {
  it("normalises the e-mail address", () => {
    expect(check(signInSchema, { email: " Ada@Example.com", password: "x" })).toEqual({
      data: { email: "ada@example.com", password: "x" },
    });
  });

  it("asks for what is missing", () => {
    expect(check(signInSchema, {})).toEqual({
      errors: [
        ["email", "email_required"],
        ["password", "password_required"],
      ],
    });
    expect(check(signInSchema, { email: "ada@example.com", password: "" })).toEqual({
      errors: [["password", "password_required"]],
    });
  });

  it("does not reveal the password rules on sign-in", () => {
    expect(check(signInSchema, { email: "ada@example.com", password: "p".repeat(129) })).toEqual({
      errors: [["password", "credentials"]],
    });
  });
});

describe("form error codes", () => {
  it("every code has its words in the catalogue, and an unknown message falls back to invalid", () => {
    for (const code of FORM_ERROR_CODES) expect(en.errors.form[code], code).toBeTypeOf("string");
    expect(formErrorCode({ message: "Too small: expected string to have >=1 characters" })).toBe("invalid");
    expect(formErrorCode(undefined)).toBe("invalid");
    expect(formErrorCode({ message: "email_invalid" })).toBe("email_invalid");
  });
});
