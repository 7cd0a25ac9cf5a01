import { describe, expect, it } from "vitest";
import {
  awaitingExif,
  dimensions,
  exposureBias,
  exposureTime,
  fNumber,
  focalLength,
  hasExif,
  iso,
  joinMake,
  location,
  photoInfo,
  takenAt,
} from "./photoInfo";

/** ICU writes a narrow no-break space before AM/PM. */
const plain = (text?: string) => text?.replace(/\s/g, " ");

describe("exposure values", () => {
  it("writes the f-number as cameras do", () => {
    expect(fNumber("2.800000")).toBe("f/2.8");
    expect(fNumber("4.000000")).toBe("f/4");
    expect(fNumber("0.950000")).toBe("f/0.95");
    expect(fNumber("0")).toBeUndefined();
    expect(fNumber("n/a")).toBeUndefined();
    expect(fNumber(undefined)).toBeUndefined();
  });

  it("writes exposure times as fractions below a second", () => {
    expect(exposureTime("1/250")).toBe("1/250 s");
    expect(exposureTime("2.5")).toBe("2.5 s");
    expect(exposureTime("30")).toBe("30 s");
    expect(exposureTime("0.004")).toBe("1/250 s");
    expect(exposureTime("10/2500")).toBe("1/250 s");
    expect(exposureTime("0")).toBeUndefined();
    expect(exposureTime("")).toBeUndefined();
  });

  it("writes focal length, ISO and bias", () => {
    expect(focalLength("35")).toBe("35 mm");
    expect(focalLength("4.25")).toBe("4.3 mm");
    expect(iso("200")).toBe("ISO 200");
    expect(exposureBias("-0.333333")).toBe("\u22120.3 EV");
    expect(exposureBias("0.666667")).toBe("+0.7 EV");
    expect(exposureBias("1.000000")).toBe("+1 EV");
    expect(exposureBias("0.000000")).toBeUndefined();
    expect(exposureBias("-0.01")).toBeUndefined();
  });
});

describe("camera names", () => {
  it("does not repeat the make", () => {
    expect(joinMake("Canon", "Canon EOS R5")).toBe("Canon EOS R5");
    expect(joinMake("NIKON CORPORATION", "NIKON D850")).toBe("NIKON D850");
    expect(joinMake("Apple", "iPhone 15 Pro")).toBe("Apple iPhone 15 Pro");
    expect(joinMake("FUJIFILM", "X-T4")).toBe("FUJIFILM X-T4");
  });

  it("keeps whichever half is there", () => {
    expect(joinMake("Leica", undefined)).toBe("Leica");
    expect(joinMake(undefined, "X100V")).toBe("X100V");
    expect(joinMake(" ", "")).toBeUndefined();
    expect(joinMake()).toBeUndefined();
  });
});

describe("coordinates", () => {
  it("writes hemispheres and links to OpenStreetMap", () => {
    expect(location("48.858222", "-2.294500", "35")).toEqual({
      text: "48.8582° N, 2.2945° W",
      url: "https://www.openstreetmap.org/?mlat=48.858222&mlon=-2.2945#map=16/48.858222/-2.2945",
      altitude: "35 m",
    });
    expect(location("-33.856784", "151.215297")?.text).toBe("33.8568° S, 151.2153° E");
    expect(location("-33.856784", "151.215297")?.altitude).toBeUndefined();
    expect(location("10", "20", "-12.4")?.altitude).toBe("\u221212 m");
  });

  it("leaves out half, out-of-range or null-island places", () => {
    expect(location("48.8", undefined)).toBeUndefined();
    expect(location("91", "0")).toBeUndefined();
    expect(location("0", "181")).toBeUndefined();
    expect(location("0.000000", "0.000000")).toBeUndefined();
  });
});

describe("dimensions and time", () => {
  it("swaps width and height for a picture turned a quarter", () => {
    expect(dimensions("4000", "3000")).toBe("4000 × 3000");
    expect(dimensions("4000", "3000", "1")).toBe("4000 × 3000");
    expect(dimensions("4000", "3000", "6")).toBe("3000 × 4000");
    expect(dimensions("4000", undefined)).toBeUndefined();
  });

  it("shows the wall-clock time the camera recorded, whatever the offset", () => {
    expect(plain(takenAt("2024-05-01T10:20:30+02:00", "en-US"))).toBe("May 1, 2024, 10:20 AM");
    expect(plain(takenAt("2024-05-01T10:20:30-07:00", "en-US"))).toBe("May 1, 2024, 10:20 AM");
    expect(plain(takenAt("2024-05-01T22:05:00Z", "en-US"))).toBe("May 1, 2024, 10:05 PM");
    expect(takenAt("2024-05-01T10:20:30+02:00", "zh-CN")).toContain("2024年5月1日");
    expect(plain(takenAt("yesterday", "en-US"))).toBe("yesterday");
  });
});

describe("the whole photo", () => {
  it("is null without EXIF keys, tags included", () => {
    expect(hasExif({ "tag:holiday": "" })).toBe(false);
    expect(photoInfo({ "tag:holiday": "" }, "en-US")).toBeNull();
    expect(photoInfo(undefined, "en-US")).toBeNull();
    expect(hasExif({ "exif:iso": "100" })).toBe(true);
  });

  it("reads every key and omits what is missing", () => {
    const photo = photoInfo(
      {
        "exif:camera_make": "Canon",
        "exif:camera_model": "Canon EOS R5",
        "exif:lens_model": "RF24-70mm F2.8 L IS USM",
        "exif:f": "2.800000",
        "exif:exposure_time": "1/250",
        "exif:focal_length": "35",
        "exif:iso": "200",
        "exif:exposure_bias": "-0.333333",
        "exif:taken_at": "2024-05-01T10:20:30+02:00",
        "exif:x": "8192",
        "exif:y": "5464",
        "exif:latitude": "48.858222",
        "exif:longitude": "2.294500",
        "exif:software": "Darktable 4.6",
        "exif:copy_right": "© Ann",
        "tag:holiday": "",
      },
      "en-US",
    );
    expect(plain(photo?.takenAt)).toBe("May 1, 2024, 10:20 AM");
    expect({ ...photo, takenAt: undefined }).toEqual({
      camera: "Canon EOS R5",
      lens: "RF24-70mm F2.8 L IS USM",
      exposure: ["f/2.8", "1/250 s", "35 mm", "ISO 200", "\u22120.3 EV"],
      dimensions: "8192 × 5464",
      location: {
        text: "48.8582° N, 2.2945° E",
        url: "https://www.openstreetmap.org/?mlat=48.858222&mlon=2.2945#map=16/48.858222/2.2945",
        altitude: undefined,
      },
      software: "Darktable 4.6",
      artist: undefined,
      copyright: "© Ann",
    });
    expect(photoInfo({ "exif:iso": "100", "exif:f": "" }, "en-US")).toEqual({
      exposure: ["ISO 100"],
    });
  });
});

describe("waiting for EXIF", () => {
  const at = Date.parse("2024-05-01T10:00:00Z");
  const picture = { name: "IMG_1.JPG", metadata: {}, updated_at: "2024-05-01T10:00:00Z" };

  it("waits a minute after a picture changed, until a key arrives", () => {
    expect(awaitingExif(picture, at + 2_000)).toBe(true);
    expect(awaitingExif(picture, at + 59_000)).toBe(true);
    expect(awaitingExif(picture, at + 61_000)).toBe(false);
    expect(awaitingExif({ ...picture, metadata: { "exif:iso": "100" } }, at)).toBe(false);
  });

  it("does not wait for other files", () => {
    expect(awaitingExif({ ...picture, name: "notes.txt" }, at)).toBe(false);
    expect(awaitingExif({ ...picture, name: "jpg" }, at)).toBe(false);
    expect(awaitingExif({ ...picture, updated_at: null }, at)).toBe(false);
    expect(awaitingExif(undefined, at)).toBe(false);
  });
});
