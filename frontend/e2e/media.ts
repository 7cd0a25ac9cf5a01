// Media files for the thumbnail and metadata specs, made with ffmpeg (and libheif) in a
// temporary folder: a short video, a tagged song with an embedded cover, a HEIC picture, and a
// one-page PDF written by hand. All a few kilobytes.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const run = (program: string, args: string[]) =>
  execFileSync(program, args, { stdio: ["ignore", "ignore", "pipe"] });
const ffmpeg = (args: string[]) =>
  run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args]);

/** Two seconds of a test pattern (H.264, 160×120) with a tone (AAC). */
export function video(dir: string): Buffer {
  const out = join(dir, "clip.mp4");
  ffmpeg([
    ...["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest", out],
  ]);
  return readFileSync(out);
}

export const SONG = { title: "Test Tone", artist: "Stratus Band", album: "Samples", year: "2024" };

/** Two seconds of a tone (MP3) tagged with `SONG`, track 3, and a red 64×64 cover. */
export function song(dir: string): Buffer {
  const cover = join(dir, "cover.png");
  ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", cover]);
  const out = join(dir, "song.mp3");
  ffmpeg([
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-i", cover],
    ...["-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame", "-b:a", "64k", "-c:v", "png"],
    ...["-disposition:v", "attached_pic", "-id3v2_version", "3"],
    ...["-metadata", `title=${SONG.title}`, "-metadata", `artist=${SONG.artist}`],
    ...["-metadata", `album=${SONG.album}`, "-metadata", `date=${SONG.year}`],
    ...["-metadata", "track=3", out],
  ]);
  return readFileSync(out);
}

/** A 96×64 green picture as HEIC. */
export function heic(dir: string): Buffer {
  const png = join(dir, "green.png");
  ffmpeg(["-f", "lavfi", "-i", "color=c=green:s=96x64", "-frames:v", "1", png]);
  const out = join(dir, "green.heic");
  run("heif-enc", ["-q", "50", "-o", out, png]);
  return readFileSync(out);
}

/** A one-page PDF with a filled square, cross-reference table included. */
export function pdf(): Buffer {
  return onePage("0 0.5 0 rg 100 300 400 400 re f");
}

/** A one-page letter whose only marks are a heading and a red bar at the top of the page. */
export function letter(): Buffer {
  return onePage("BT /F1 36 Tf 72 700 Td (Quarterly report) Tj ET 1 0 0 rg 72 660 468 16 re f");
}

/** A US Letter page drawn by `stream` (Helvetica as /F1). */
function onePage(stream: string): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
