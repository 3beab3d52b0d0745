import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { RegisterEndpointForm, RotateSecretForm, SecretOnce } from "./endpoint-forms";

const noop = async () => ({});

describe("the Integrations forms", () => {
  it("the register form offers every subscribable type, checked, and shows no secret before one is made", () => {
    const html = renderToStaticMarkup(<RegisterEndpointForm eventTypes={WEBHOOK_EVENT_TYPES} action={noop} />);
    for (const type of WEBHOOK_EVENT_TYPES) {
      expect(html).toContain(`type="checkbox" name="eventTypes" checked="" value="${type}"`);
    }
    expect(html).not.toContain("webhook.test");
    expect(html).toMatch(/<input type="url" required=""[^>]*name="url"/);
    expect(html).not.toContain("endpoint-secret");
  });

  it("a secret is shown with the warning that it is shown once", () => {
    const html = renderToStaticMarkup(<SecretOnce secret="whsec_abc" label="Its signing secret:" />);
    expect(html).toContain("Copy it now: it is not shown again.");
    expect(html).toContain('data-testid="endpoint-secret"');
    expect(html).toContain("whsec_abc");
  });

  it("the rotate form posts the endpoint's id and shows no secret until rotated", () => {
    const html = renderToStaticMarkup(<RotateSecretForm id="ep-1" action={noop} />);
    expect(html).toMatch(/<input type="hidden"[^>]*name="id"[^>]*value="ep-1"|value="ep-1"[^>]*name="id"/);
    expect(html).toContain("Rotate secret");
    expect(html).not.toContain("whsec_");
  });
});
