// A server action's FormData from plain fields, as a browser submits a form (tests of actions).
export function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}
