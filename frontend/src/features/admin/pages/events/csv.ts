// Audit events as CSV (RFC 4180: comma separated, CRLF lines, quoted where needed). A cell that
// a spreadsheet would take for a formula gets a leading apostrophe, so an exported log cannot
// run anything when opened.
import type { AdminEvent } from "../../api";

export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function eventsCsv(events: AdminEvent[], typeName: (type: number) => string): string {
  const header = [
    "id",
    "time",
    "type",
    "type_name",
    "user_id",
    "user_email",
    "ip",
    "user_agent",
    "correlation_id",
    "content",
  ];
  const lines = events.map((e) =>
    [
      e.id,
      e.created_at,
      e.type,
      typeName(e.type),
      e.user_id,
      e.edges.user?.email,
      e.ip,
      e.user_agent,
      e.correlation_id,
      e.content === undefined || e.content === null ? "" : JSON.stringify(e.content),
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
