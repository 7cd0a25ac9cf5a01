import { describe, expect, it } from "vitest";
import type { AdminEvent } from "../../api";
import { csvCell, eventsCsv } from "./csv";

describe("audit CSV", () => {
  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe("");
  });

  it("defuses what a spreadsheet would run", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@cmd")).toBe("'@cmd");
  });

  it("writes one line per event after the header", () => {
    const event = {
      id: 7,
      created_at: "2026-11-25T12:00:00Z",
      type: 5,
      user_id: 2,
      ip: "127.0.0.1",
      content: { method: "password" },
      edges: { user: { email: "a@example.com" } },
    } as unknown as AdminEvent;
    const text = eventsCsv([event], () => "Sign-in");
    expect(text.split("\r\n")).toEqual([
      "id,time,type,type_name,user_id,user_email,ip,user_agent,correlation_id,content",
      '7,2026-11-25T12:00:00Z,5,Sign-in,2,a@example.com,127.0.0.1,,,"{""method"":""password""}"',
      "",
    ]);
  });
});
