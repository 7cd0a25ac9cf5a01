// Previews render what the files hold: images decoded (and a gallery walked with the arrow
// keys), a video plays a frame, a PDF page is drawn, markdown is sanitized, and an edited text
// file is saved as a new version, read back through the API.
import { expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { signInPage, snap } from "./helpers";
import { type Drive, driveOf, openFolder } from "./transfers";

/** A PNG drawn by the browser: one colour with a label. */
async function png(page: Page, colour: string, label: string): Promise<Buffer> {
  const data = await page.evaluate(
    ([fill, text]) => {
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 200;
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("no 2d context");
      ctx.fillStyle = fill ?? "red";
      ctx.fillRect(0, 0, 320, 200);
      ctx.fillStyle = "white";
      ctx.font = "32px sans-serif";
      ctx.fillText(text ?? "", 20, 110);
      return canvas.toDataURL("image/png").split(",")[1] ?? "";
    },
    [colour, label],
  );
  return Buffer.from(data, "base64");
}

/** A short WebM recorded from a canvas by the browser itself (a few KB, VP8). */
async function webm(page: Page): Promise<Buffer> {
  const data = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d context");
    const stream = canvas.captureStream(25);
    const recorder = new MediaRecorder(stream, { mimeType: "video/webm;codecs=vp8" });
    const parts: Blob[] = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    const stopped = new Promise((resolve) => {
      recorder.onstop = resolve;
    });
    recorder.start();
    // Frames are drawn until 15 of them went out (about half a second), then the recorder stops.
    for (let frame = 0; frame < 15; frame++) {
      ctx.fillStyle = `hsl(${frame * 20}, 80%, 50%)`;
      ctx.fillRect(0, 0, 160, 120);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 40)));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(parts, { type: "video/webm" }).arrayBuffer());
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  });
  return Buffer.from(data, "base64");
}

/** A one-page PDF with a filled blue square and a line of text, cross-reference table included. */
function pdf(): Buffer {
  const stream = "0 0 1 rg 100 500 200 200 re f BT /F1 28 Tf 100 440 Td (Stratus preview) Tj ET";
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

async function setUp(page: Page, drive: Drive, name: string): Promise<string> {
  const folder = await drive.folder(name);
  await signInPage(page, ACCOUNTS.user);
  return folder;
}

const preview = (page: Page) => page.getByRole("dialog");

test("images open in a gallery, decoded, walked with the arrow keys", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews images");
  await drive.put(`${folder}/1-red.png`, await png(page, "#c0392b", "first"));
  await drive.put(`${folder}/2-green.png`, await png(page, "#27ae60", "second"));
  await drive.put(`${folder}/3-blue.png`, await png(page, "#2c3e80", "third"));
  await openFolder(page, folder);

  // Enter on a file's row opens its preview.
  await page.getByRole("button", { name: "1-red.png", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(preview(page).getByTestId("preview-name")).toHaveText("1-red.png");
  const image = preview(page).getByTestId("preview-image");
  await expect(image).toBeVisible();
  const size = await image.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(size).toEqual([320, 200]);
  await expect(
    preview(page).getByRole("navigation", { name: "Images in this folder" }).getByRole("button"),
  ).toHaveCount(3);
  await snap(page, info, "preview-gallery");

  await page.keyboard.press("ArrowRight");
  await expect(preview(page).getByTestId("preview-name")).toHaveText("2-green.png");
  await page.keyboard.press("ArrowRight");
  await expect(preview(page).getByTestId("preview-name")).toHaveText("3-blue.png");
  await page.keyboard.press("ArrowRight");
  await expect(preview(page).getByTestId("preview-name")).toHaveText("3-blue.png");
  await page.keyboard.press("ArrowLeft");
  await expect(preview(page).getByTestId("preview-name")).toHaveText("2-green.png");
  await expect(image).toHaveJSProperty("naturalWidth", 320);
  await page.getByRole("button", { name: "Close preview" }).click();
  await expect(preview(page)).toHaveCount(0);
});

test("a video plays a frame", async ({ page, request }, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews video");
  const clip = await webm(page);
  expect(clip.length).toBeGreaterThan(500);
  expect(clip.length).toBeLessThan(200_000);
  await drive.put(`${folder}/clip.webm`, clip);
  await openFolder(page, folder);

  await page.getByRole("button", { name: "clip.webm", exact: true }).dblclick();
  const video = preview(page).getByTestId("preview-video");
  await expect(video).toBeVisible();
  const frame = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<{ width: number; time: number }>((resolve, reject) => {
        v.muted = true;
        v.onerror = () => reject(new Error(`media error ${v.error?.code}`));
        v.requestVideoFrameCallback((_, meta) =>
          resolve({ width: meta.width, time: meta.mediaTime }),
        );
        v.play().catch(reject);
      }),
  );
  expect(frame.width).toBe(160);
  await snap(page, info, "preview-video");
});

test("a PDF page is drawn", async ({ page, request }, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews pdf");
  await drive.put(`${folder}/paper.pdf`, pdf());
  await openFolder(page, folder);

  await page.getByRole("button", { name: "paper.pdf", exact: true }).dblclick();
  const canvas = preview(page).getByTestId("preview-pdf");
  await expect(canvas).toHaveAttribute("data-drawn-page", "1");
  await expect(preview(page).getByText("Page 1 of 1")).toBeVisible();
  // The blue square is there: some pixels are mostly blue, and the page is not blank.
  const blue = await canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext("2d");
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 2] ?? 0) > 200 && (data[i] ?? 255) < 60 && (data[i + 1] ?? 255) < 60) count++;
    }
    return count;
  });
  expect(blue).toBeGreaterThan(1000);
  await snap(page, info, "preview-pdf");
});

test("markdown is rendered and sanitized: a file's script never runs", async ({
  page,
  request,
}, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews markdown");
  const markdown = [
    "# Release notes",
    "",
    "Some **bold** text and a [safe link](https://example.com/).",
    "",
    "<script>window.__stratusXss = 'script'</script>",
    "",
    '<img src="x" onerror="window.__stratusXss = \'onerror\'">',
    "",
    "[bad link](javascript:window.__stratusXss='link')",
    "",
    "<iframe src=\"javascript:parent.__stratusXss='iframe'\"></iframe>",
    "",
    "| a | b |",
    "| - | - |",
    "| 1 | 2 |",
    "",
    "```js",
    "const answer = 42;",
    "```",
  ].join("\n");
  await drive.put(`${folder}/README.md`, Buffer.from(markdown));
  await openFolder(page, folder);

  await page.getByRole("button", { name: "README.md", exact: true }).dblclick();
  const article = preview(page).getByTestId("preview-markdown");
  await expect(article.getByRole("heading", { name: "Release notes" })).toBeVisible();
  await expect(article.locator("strong")).toHaveText("bold");
  await expect(article.locator("table td")).toHaveText(["1", "2"]);
  await expect(article.locator("script, iframe, [onerror]")).toHaveCount(0);
  await expect(article.getByRole("link", { name: "safe link" })).toHaveAttribute("rel", /noopener/);
  await expect(article.locator("a", { hasText: "bad link" })).toHaveCount(1);
  const bad = await article.getByText("bad link").evaluate((a) => a.getAttribute("href"));
  expect(bad ?? "").not.toMatch(/javascript:/i);
  await article.getByText("bad link").click();
  await snap(page, info, "preview-markdown");
  expect(
    await page.evaluate(() => (window as { __stratusXss?: string }).__stratusXss),
  ).toBeUndefined();
});

test("a text file is edited and saved as a new version", async ({ page, request }, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews edit");
  const uri = `${folder}/main.rs`;
  await drive.put(uri, Buffer.from('fn main() {\n    println!("hello");\n}\n'));
  await openFolder(page, folder);

  await page.getByRole("button", { name: "main.rs", exact: true }).dblclick();
  const editor = preview(page).getByRole("textbox", { name: "Contents of main.rs" });
  await expect(editor).toContainText('println!("hello");');
  // Highlighted: the keyword has a span of its own once the Rust mode loaded.
  await expect(editor.locator("span", { hasText: /^fn$/ })).toBeVisible();
  await snap(page, info, "preview-code");

  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("// edited in the browser");
  const save = preview(page).getByRole("button", { name: "Save" });
  await expect(save).toBeEnabled();
  await save.click();
  await expect(page.getByText("“main.rs” saved as a new version")).toBeVisible();

  const expected = 'fn main() {\n    println!("hello");\n}\n// edited in the browser';
  expect((await drive.read(uri)).toString()).toBe(expected);
  const info2 = await drive.info(uri);
  expect(info2.extended_info.entities).toHaveLength(2);
  expect(info2.size).toBe(Buffer.byteLength(expected));

  // A second save goes on from the version the first one made (no stale-base refusal).
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("!");
  await page.keyboard.press("ControlOrMeta+s");
  await expect.poll(async () => (await drive.read(uri)).toString()).toBe(`${expected}!`);
});

test("previews in dark mode, Chinese and on a phone", async ({ page, request }, info) => {
  const drive = await driveOf(request, ACCOUNTS.user);
  const folder = await setUp(page, drive, "previews phone");
  await drive.put(`${folder}/notes.md`, Buffer.from("# 笔记\n\n- 第一项\n- second item\n"));
  await page.setViewportSize({ width: 375, height: 740 });
  await page.evaluate(() => {
    localStorage.setItem("stratus.language", "zh-CN");
    localStorage.setItem("mantine-color-scheme-value", "dark");
  });
  await openFolder(page, folder, "文件夹路径");
  await page.getByRole("button", { name: "notes.md", exact: true }).dblclick();
  await expect(preview(page).getByRole("heading", { name: "笔记" })).toBeVisible();
  await expect(preview(page).getByRole("button", { name: "编辑" })).toBeVisible();
  await snap(page, info, "preview-markdown-phone-zh-dark");
  await preview(page).getByRole("button", { name: "编辑" }).click();
  await expect(preview(page).getByRole("button", { name: "保存" })).toBeDisabled();
  await snap(page, info, "preview-editor-phone-zh-dark");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(preview|transfer)\.[a-zA-Z]/);
});
