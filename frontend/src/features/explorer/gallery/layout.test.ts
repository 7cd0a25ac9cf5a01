import { describe, expect, it } from "vitest";
import type { FileInfo } from "../../../api/client";
import { metadataAspect } from "./aspect";
import { layoutGallery, verticalNeighbour } from "./layout";
import { dateKey, galleryOrder, periodLabel, periods } from "./order";

const base = { gap: 4, card: { width: 100, height: 120 }, headerHeight: 40 };

describe("justified rows", () => {
  it("fill the width at about the target height; the last row is not stretched", () => {
    const aspects = [1.5, 1.5, 0.75, 1, 1.5];
    const lines = layoutGallery({
      ...base,
      count: aspects.length,
      others: 0,
      aspect: (i) => aspects[i] ?? 1,
      width: 700,
      target: 200,
    });
    expect(lines.map((l) => l.kind)).toEqual(["photos", "photos"]);
    const [full, last] = lines;
    if (full?.kind !== "photos" || last?.kind !== "photos") throw new Error("photos");
    // 1.5 + 1.5 + 0.75 = 3.75 × 200 = 750 ≥ 692: scaled to (700 − 8) / 3.75 ≈ 184.5 high.
    expect(full.tiles.map((t) => t.index)).toEqual([0, 1, 2]);
    const end = full.tiles.at(-1);
    expect((end?.left ?? 0) + (end?.width ?? 0)).toBe(700);
    expect(full.height).toBe(185 + 4);
    // Each tile keeps its ratio.
    expect(full.tiles[2]?.width).toBeCloseTo(0.75 * 184.5, 0);
    expect(last.tiles.map((t) => t.width)).toEqual([200, 300]);
    expect(last.height).toBe(204);
  });

  it("puts other files first as cards, then a header per period", () => {
    const periods = ["", "", "2024-05-02", "2024-05-02", "2024-05-01"];
    const lines = layoutGallery({
      ...base,
      count: 5,
      others: 2,
      aspect: () => 1,
      period: (i) => periods[i] ?? "",
      width: 1000,
      target: 200,
    });
    expect(lines.map((l) => l.kind)).toEqual(["cards", "header", "photos", "header", "photos"]);
    expect(lines[1]).toMatchObject({ period: "2024-05-02", first: 2, count: 2 });
    // Down from the first card: the first photo; up from the last photo: the row above.
    expect(verticalNeighbour(lines, 0, 1, 100)).toBe(2);
    expect(verticalNeighbour(lines, 4, -1, 100)).toBe(2);
  });
});

const file = (name: string, updated: string, taken?: string): FileInfo =>
  ({
    name,
    type: name.includes(".") ? 0 : 1,
    path: `cloudreve://my/${name}`,
    size: 1,
    created_at: updated,
    updated_at: updated,
    metadata: taken ? { "exif:taken_at": taken } : {},
  }) as FileInfo;

describe("gallery order", () => {
  const files = [
    file("b.jpg", "2024-06-01T10:00:00Z", "2021-03-04T08:00:00-05:00"),
    file("notes.txt", "2024-06-01T11:00:00Z"),
    file("a.jpg", "2024-06-01T09:00:00Z", "2023-01-01T00:00:00+09:00"),
    file("Trips", "2024-06-01T09:00:00Z"),
  ];

  it("sorts photos by when they were taken when the order is by modified time", () => {
    const shown = galleryOrder(files, { order_by: "updated_at", order_direction: "desc" });
    expect(shown.map((f) => f.name)).toEqual(["notes.txt", "Trips", "a.jpg", "b.jpg"]);
    // The camera's wall clock, not the instant in UTC.
    expect(dateKey(files[0] as FileInfo, "updated_at")).toBe("2021-03-04T08:00:00");
  });

  it("keeps the folder's order otherwise, other files first", () => {
    const shown = galleryOrder(files, { order_by: "name", order_direction: "asc" });
    expect(shown.map((f) => f.name)).toEqual(["notes.txt", "Trips", "b.jpg", "a.jpg"]);
  });

  it("groups by day, or by month when the photos span many days", () => {
    const shown = galleryOrder(files, { order_by: "updated_at", order_direction: "desc" });
    expect(periods(shown, 2, "updated_at")).toEqual(["", "", "2023-01-01", "2021-03-04"]);
    const many = Array.from({ length: 61 }, (_, i) =>
      file(`p${i}.jpg`, new Date(Date.UTC(2024, 0, 1 + i, 12)).toISOString()),
    );
    const months = periods(many, 0, "updated_at");
    expect(months[0]).toBe("2024-01");
    expect(months[60]).toBe("2024-03");
  });

  it("labels days and months in the language", () => {
    expect(periodLabel("2024-05-01", "en-US")).toBe("Wednesday, May 1, 2024");
    expect(periodLabel("2024-05", "en-US")).toBe("May 2024");
    expect(periodLabel("2024-05-01", "zh-CN")).toBe("2024年5月1日星期三");
  });

  it("reads the size from EXIF, turned by the orientation", () => {
    expect(metadataAspect({ "exif:x": "640", "exif:y": "480" })).toBeCloseTo(4 / 3);
    expect(metadataAspect({ "exif:x": "640", "exif:y": "480", "exif:orientation": "6" })).toBe(
      0.75,
    );
    expect(metadataAspect({})).toBeUndefined();
  });
});
