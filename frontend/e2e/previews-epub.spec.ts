// The ePub reader: a book made here (two chapters, a stylesheet, a table of contents and a
// script) opens on its first page, pages forward by button and back by key, the table of
// contents jumps to a chapter, the place is kept for the next opening, and the book's script
// never runs, all under the page's content security policy.
import { expect, type Page, test } from "@playwright/test";
import JSZip from "jszip";
import { freshUser, signIn } from "./explorer-helpers";
import { type Account, snap, snapAll } from "./helpers";
import { driveOf } from "./transfers";

const paragraphs = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i + 1} of the first chapter, long enough to fill a few lines of the page so that the chapter runs over several pages of the reader.</p>`,
  ).join("\n");

const chapter = (title: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>${title}</title>
<link rel="stylesheet" type="text/css" href="style.css"/></head>
<body><h1>${title}</h1>${body}</body></html>`;

/** An EPUB 3 book with a navigation document, two chapters and a script in the first. */
async function book(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("mimetype", "application/epub+zip", { compression: "STORE" });
  zip.file(
    "META-INF/container.xml",
    `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
  );
  zip.file(
    "OEBPS/content.opf",
    `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:stratus-e2e-book</dc:identifier><dc:title>A Test Book</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="c1" href="chapter1.xhtml" media-type="application/xhtml+xml" properties="scripted"/>
<item id="c2" href="chapter2.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="style.css" media-type="text/css"/>
</manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>`,
  );
  zip.file(
    "OEBPS/nav.xhtml",
    `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head>
<body><nav epub:type="toc"><ol><li><a href="chapter1.xhtml">Chapter One</a></li><li><a href="chapter2.xhtml">Chapter Two</a></li></ol></nav></body></html>`,
  );
  zip.file("OEBPS/style.css", "h1 { letter-spacing: 0.05em; } p { line-height: 1.6; }");
  zip.file(
    "OEBPS/chapter1.xhtml",
    chapter(
      "Chapter One",
      `<script>window.top.epubScriptRan = "inline"; window.epubScriptRan = "inline";</script>
<img src="missing.png" alt="" onerror="window.top.epubScriptRan = 'handler'"/>
${paragraphs(40)}`,
    ),
  );
  zip.file("OEBPS/chapter2.xhtml", chapter("Chapter Two", "<p>The second chapter is short.</p>"));
  return zip.generateAsync({ type: "nodebuffer", mimeType: "application/epub+zip" });
}

const dialog = (page: Page) => page.getByRole("dialog");
const pages = (page: Page) => dialog(page).getByTestId("preview-epub");
const chapterFrame = (page: Page) => pages(page).frameLocator("iframe");

test.describe.configure({ timeout: 120_000 });

test("an ePub opens, pages, jumps by its contents and runs no script", async ({
  page,
  request,
}, info) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) => {
      seen.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  const { account } = await freshUser(request, "viewer-epub");
  const drive = await driveOf(request, account as unknown as Account);
  const folder = await drive.folder("viewer-epub");
  await drive.put(`${folder}/book.epub`, await book());
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, account, folder);

  await page.getByRole("button", { name: "book.epub", exact: true }).dblclick();
  await expect(chapterFrame(page).getByRole("heading", { name: "Chapter One" })).toBeVisible();
  const indicator = dialog(page).getByTestId("preview-epub-page");
  await expect(indicator).toHaveText(/^Page 1 of [2-9]\d*$/);
  // The book's stylesheet arrived (a blob: stylesheet, under the page's policy).
  await expect(chapterFrame(page).locator("h1")).toHaveCSS("letter-spacing", /px$/);
  await snapAll(page, info, "viewer-epub");

  await dialog(page).getByRole("button", { name: "Next page" }).click();
  await expect(indicator).toHaveText(/^Page 2 of /);
  await page.keyboard.press("ArrowLeft");
  await expect(indicator).toHaveText(/^Page 1 of /);
  await page.keyboard.press("ArrowRight");
  await expect(indicator).toHaveText(/^Page 2 of /);

  await dialog(page).getByRole("button", { name: "Contents" }).click();
  await expect(page.getByRole("menuitem", { name: "Chapter Two" })).toBeVisible();
  await snap(page, info, "viewer-epub-contents");
  await page.getByRole("menuitem", { name: "Chapter Two" }).click();
  await expect(pages(page)).toHaveAttribute("data-href", /chapter2\.xhtml$/);
  await expect(chapterFrame(page).getByRole("heading", { name: "Chapter Two" })).toBeVisible();
  await expect(indicator).toHaveText("Page 1 of 1");
  await expect(dialog(page).getByRole("button", { name: "Next page" })).toBeDisabled();
  await snap(page, info, "viewer-epub-chapter-two");

  // Opened again, the book is where it was left.
  await dialog(page).getByRole("button", { name: "Close preview" }).click();
  await page.getByRole("button", { name: "book.epub", exact: true }).dblclick();
  await expect(pages(page)).toHaveAttribute("data-href", /chapter2\.xhtml$/);
  await expect(chapterFrame(page).getByRole("heading", { name: "Chapter Two" })).toBeVisible();

  // Back in chapter one, whose script and event handler would have marked the page.
  await dialog(page).getByRole("button", { name: "Contents" }).click();
  await page.getByRole("menuitem", { name: "Chapter One" }).click();
  await expect(chapterFrame(page).getByRole("heading", { name: "Chapter One" })).toBeVisible();
  const frame = pages(page).locator("iframe");
  await expect(frame).toHaveAttribute("sandbox", "allow-same-origin");
  const ran = await page.evaluate(
    () => (window as unknown as { epubScriptRan?: string }).epubScriptRan,
  );
  expect(ran).toBeUndefined();
  const ranInFrame = await chapterFrame(page)
    .locator("body")
    .evaluate(() => (window as unknown as { epubScriptRan?: string }).epubScriptRan);
  expect(ranInFrame).toBeUndefined();
  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  );
  // The only thing refused is the script itself (the sandbox blocks it before the policy would).
  expect(violations.filter((v) => !v.startsWith("script-src"))).toEqual([]);
});
