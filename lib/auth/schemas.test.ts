import { describe, expect, it } from "vitest";
import { signInSchema, signUpSchema } from "./schemas";

/** Field → message of every problem, or the parsed data. */
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
        ["email", "Enter your e-mail address."],
        ["password", "Choose a password."],
      ],
    });
  });

  it("says what is wrong with each field", () => {
    expect(check(signUpSchema, { email: "ada@", password: "1234567", name: "n".repeat(81) })).toEqual({
      errors: [
        ["name", "Keep your name under 80 characters."],
        ["email", "Enter a valid e-mail address."],
        ["password", "Use at least 8 characters."],
      ],
    });
    expect(check(signUpSchema, { email: `${"a".repeat(250)}@b.co`, password: "p".repeat(129) })).toEqual({
      errors: [
        ["email", "That e-mail address is too long."],
        ["password", "Use at most 128 characters."],
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
        ["email", "Enter your e-mail address."],
        ["password", "Enter your password."],
      ],
    });
    expect(check(signInSchema, { email: "ada@example.com", password: "" })).toEqual({
      errors: [["password", "Enter your password."]],
    });
  });

  it("does not reveal the password rules on sign-in", () => {
    expect(check(signInSchema, { email: "ada@example.com", password: "p".repeat(129) })).toEqual({
      errors: [["password", "Wrong e-mail or password."]],
    });
  });
});
