// `invoice_pdf` (`/invoices/:id/pdf`): a one-page PDF 1.4 of the invoice — number, date, customer,
// address and VAT number, lines, discount, tax and total — written by hand (Helvetica, ASCII text,
// a correct cross-reference table), so a browser or a PDF reader opens it like Stripe's.
import type { Invoice } from "./types";

function pdfText(value: string): string {
  // Standard 14 fonts speak WinAnsi: keep ASCII, escape PDF string delimiters.
  return value
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/([\\()])/g, "\\$1");
}

function amount(cents: number, currency: string): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency.toUpperCase()}`;
}

/** The text lines of the invoice document. */
export function invoiceLines(invoice: Invoice): string[] {
  const date = new Date(((invoice.created as number) ?? 0) * 1000).toISOString().slice(0, 10);
  const address = invoice.customer_address as {
    line1?: string | null;
    postal_code?: string | null;
    city?: string | null;
    country?: string;
  } | null;
  const taxIds = (invoice.customer_tax_ids as Array<{ value: string | null }> | undefined) ?? [];
  const discounts = (invoice.total_discount_amounts as Array<{ amount: number }> | null) ?? [];
  const taxes = (invoice.total_taxes as Array<{ amount: number; taxability_reason: string }> | null) ?? [];
  const out = [
    `Invoice ${String(invoice.number ?? invoice.id)}`,
    `Date: ${date}   Status: ${invoice.status}`,
    `Billed to: ${String(invoice.customer_name ?? "")} <${String(invoice.customer_email ?? "")}>`,
  ];
  if (address)
    out.push(
      `Address: ${[address.line1, address.postal_code, address.city, address.country].filter(Boolean).join(", ")}`,
    );
  for (const id of taxIds) if (id.value) out.push(`VAT number: ${id.value}`);
  out.push("");
  for (const line of invoice.lines.data)
    out.push(`${String(line.description ?? "")}   ${amount(line.amount, invoice.currency)}`);
  out.push("", `Subtotal: ${amount(Number(invoice.subtotal ?? 0), invoice.currency)}`);
  for (const d of discounts) out.push(`Discount: ${amount(-d.amount, invoice.currency)}`);
  for (const t of taxes)
    out.push(
      `Tax${t.taxability_reason === "reverse_charge" ? " (reverse charge)" : ""}: ${amount(t.amount, invoice.currency)}`,
    );
  out.push(
    `Total: ${amount(invoice.total, invoice.currency)}`,
    `Amount paid: ${amount(invoice.amount_paid, invoice.currency)}`,
  );
  return out;
}

/** A minimal valid PDF whose page shows `lines`. */
export function pdfDocument(lines: string[]): string {
  const content = ["BT", "/F1 11 Tf", "14 TL", "56 790 Td", ...lines.map((l) => `(${pdfText(l)}) Tj T*`), "ET"].join(
    "\n",
  );
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}
