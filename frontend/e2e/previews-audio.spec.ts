// An audio file previews and plays: a short WAV (a sine tone) made here, uploaded, opened with a
// double-click, and played until its clock moves.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { signInPage, snap } from "./helpers";
import { driveOf, openFolder } from "./transfers";

/** A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone at 8 kHz. */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const samples = rate * seconds;
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "latin1");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8, "latin1");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "latin1");
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  }
  return out;
}

test("an audio file previews and plays", async ({ page, request }, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await drive.folder("previews audio");
  await drive.put(`${folder}/tone.wav`, wav(2));
  await signInPage(page, ACCOUNTS.user);
  await openFolder(page, folder);

  await page.getByRole("button", { name: "tone.wav", exact: true }).dblclick();
  const audio = page.getByRole("dialog").getByTestId("preview-audio");
  await expect(audio).toBeVisible();
  const played = await audio.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<{ duration: number; time: number }>((resolve, reject) => {
        a.muted = true;
        a.onerror = () => reject(new Error(`media error ${a.error?.code}`));
        a.ontimeupdate = () => {
          if (a.currentTime > 0) resolve({ duration: a.duration, time: a.currentTime });
        };
        a.play().catch(reject);
      }),
  );
  expect(played.duration).toBeCloseTo(2, 1);
  expect(played.time).toBeGreaterThan(0);
  await snap(page, info, "preview-audio");
});
