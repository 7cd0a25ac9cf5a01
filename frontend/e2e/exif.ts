// A JPEG with EXIF, made without an image library: an APP1 segment is put right after the SOI
// marker of any JPEG (the browser's canvas makes one), holding a small big-endian TIFF.
//
//   FF D8                     SOI
//   FF E1 <len:u16>           APP1; len counts itself, "Exif\0\0" and the TIFF
//   "Exif\0\0"
//   TIFF (offsets below are from its first byte)
//     "MM" 00 2A 00000008     big-endian, magic 42, IFD0 at 8
//     IFD0 (at 8)             Make, Model, ExifIFDPointer → Exif IFD, GPSInfo → GPS IFD
//     Exif IFD                ExposureTime, FNumber, PhotographicSensitivity, DateTimeOriginal,
//                             OffsetTimeOriginal, ExposureBiasValue, FocalLength,
//                             PixelXDimension, PixelYDimension
//     GPS IFD                 GPSLatitudeRef, GPSLatitude, GPSLongitudeRef, GPSLongitude,
//                             GPSAltitudeRef, GPSAltitude
//   FF E0 … (the rest of the original JPEG, from its first segment after SOI)
//
// Each IFD: a u16 count, 12-byte entries sorted by tag (tag u16, type u16, count u32, value or
// offset u32: values of 4 bytes or less sit left-justified in that field), a u32 next-IFD offset
// (0), then the values that did not fit, each at an even offset.

const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const BYTE = 1;
const SRATIONAL = 10;

type Entry = { tag: number; type: number; count: number; value: Buffer };

const ascii = (tag: number, text: string): Entry => {
  const value = Buffer.from(`${text}\0`, "latin1");
  return { tag, type: ASCII, count: value.length, value };
};
const short = (tag: number, n: number): Entry => {
  const value = Buffer.alloc(2);
  value.writeUInt16BE(n);
  return { tag, type: SHORT, count: 1, value };
};
const long = (tag: number, n: number): Entry => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(n);
  return { tag, type: LONG, count: 1, value };
};
const byte = (tag: number, n: number): Entry => ({
  tag,
  type: BYTE,
  count: 1,
  value: Buffer.from([n]),
});
const rationals = (tag: number, parts: [number, number][], signed = false): Entry => {
  const value = Buffer.alloc(8 * parts.length);
  parts.forEach(([num, den], i) => {
    if (signed) {
      value.writeInt32BE(num, 8 * i);
      value.writeInt32BE(den, 8 * i + 4);
    } else {
      value.writeUInt32BE(num, 8 * i);
      value.writeUInt32BE(den, 8 * i + 4);
    }
  });
  return { tag, type: signed ? SRATIONAL : RATIONAL, count: parts.length, value };
};

/** The size of an IFD with its out-of-line values. */
const ifdSize = (entries: Entry[]) =>
  2 + 12 * entries.length + 4 + entries.reduce((n, e) => n + outOfLine(e), 0);
const outOfLine = (e: Entry) => (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0);

/** An IFD that starts `start` bytes into the TIFF. */
function ifd(entries: Entry[], start: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const out = Buffer.alloc(ifdSize(sorted));
  out.writeUInt16BE(sorted.length, 0);
  let data = 2 + 12 * sorted.length + 4;
  sorted.forEach((e, i) => {
    const at = 2 + 12 * i;
    out.writeUInt16BE(e.tag, at);
    out.writeUInt16BE(e.type, at + 2);
    out.writeUInt32BE(e.count, at + 4);
    if (e.value.length <= 4) {
      e.value.copy(out, at + 8);
    } else {
      out.writeUInt32BE(start + data, at + 8);
      e.value.copy(out, data);
      data += outOfLine(e);
    }
  });
  return out;
}

/** Degrees as the three rationals (degrees, minutes, hundredths of seconds) EXIF keeps. */
function dms(degrees: number): [number, number][] {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 100);
  return [
    [d, 1],
    [m, 1],
    [s, 100],
  ];
}

export type Shot = {
  make: string;
  model: string;
  /** Seconds, as a fraction. */
  exposure: [number, number];
  fNumber: [number, number];
  iso: number;
  /** "YYYY:MM:DD HH:MM:SS", the camera's wall clock. */
  taken: string;
  /** "+02:00". */
  offset?: string;
  bias?: [number, number];
  focalLength: [number, number];
  width?: number;
  height?: number;
  /** Decimal degrees, south and west negative; metres. */
  gps?: { latitude: number; longitude: number; altitude?: number };
};

/** The TIFF block of an EXIF segment for `shot`. */
export function exifTiff(shot: Shot): Buffer {
  const exif: Entry[] = [
    rationals(0x829a, [shot.exposure]),
    rationals(0x829d, [shot.fNumber]),
    short(0x8827, shot.iso),
    ascii(0x9003, shot.taken),
    rationals(0x920a, [shot.focalLength]),
  ];
  if (shot.offset) exif.push(ascii(0x9011, shot.offset));
  if (shot.bias) exif.push(rationals(0x9204, [shot.bias], true));
  if (shot.width) exif.push(long(0xa002, shot.width));
  if (shot.height) exif.push(long(0xa003, shot.height));
  const gps: Entry[] = [];
  if (shot.gps) {
    const { latitude, longitude, altitude } = shot.gps;
    gps.push(
      ascii(0x0001, latitude < 0 ? "S" : "N"),
      rationals(0x0002, dms(latitude)),
      ascii(0x0003, longitude < 0 ? "W" : "E"),
      rationals(0x0004, dms(longitude)),
    );
    if (altitude !== undefined) {
      gps.push(byte(0x0005, altitude < 0 ? 1 : 0), rationals(0x0006, [[Math.abs(altitude), 1]]));
    }
  }
  // IFD0's pointers are inline LONGs, so its size is known before their values are.
  const ifd0: Entry[] = [
    ascii(0x010f, shot.make),
    ascii(0x0110, shot.model),
    long(0x8769, 0),
    ...(gps.length ? [long(0x8825, 0)] : []),
  ];
  const exifAt = 8 + ifdSize(ifd0);
  const gpsAt = exifAt + ifdSize(exif);
  ifd0[2] = long(0x8769, exifAt);
  if (gps.length) ifd0[3] = long(0x8825, gpsAt);
  const header = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]);
  return Buffer.concat([
    header,
    ifd(ifd0, 8),
    ifd(exif, exifAt),
    ...(gps.length ? [ifd(gps, gpsAt)] : []),
  ]);
}

/** `jpeg` with an APP1 EXIF segment for `shot` right after its SOI marker. */
export function withExif(jpeg: Buffer, shot: Shot): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), exifTiff(shot)]);
  const marker = Buffer.alloc(4);
  marker.writeUInt16BE(0xffe1, 0);
  marker.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), marker, body, jpeg.subarray(2)]);
}
