// The gallery view: photos in justified rows (each keeping the aspect ratio its EXIF gives) under
// the day they were taken, other files first; selection with shift-click and the checkbox,
// arrows, opening the image viewer; the view saved for the folder and restored after a reload.
import { expect, type Page, test } from "@playwright/test";
import { withExif } from "./exif";
import { freshUser, mkdir, mkfile, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";
import { expectAccessible } from "./site";

type Listed = { files: { name: string; metadata?: Record<string, string> }[] };

/** A JPEG of `width` × `height` drawn by the browser: a sky of `colour` over dark ground. */
async function jpeg(page: Page, width: number, height: number, colour: string): Promise<Buffer> {
  const data = await page.evaluate(
    ([w, h, c]) => {
      const canvas = document.createElement("canvas");
      canvas.width = Number(w);
      canvas.height = Number(h);
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("no 2d context");
      ctx.fillStyle = String(c);
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = "#1d2b3a";
      ctx.fillRect(0, canvas.height * 0.7, canvas.width, canvas.height * 0.3);
      ctx.fillStyle = "#ffd25e";
      ctx.beginPath();
      ctx.arc(
        canvas.width / 2,
        canvas.height * 0.45,
        Math.min(canvas.width, canvas.height) / 8,
        0,
        7,
      );
      ctx.fill();
      return canvas.toDataURL("image/jpeg", 0.8).split(",")[1] ?? "";
    },
    [width, height, colour],
  );
  return Buffer.from(data, "base64");
}

/** Name, EXIF time taken, size and colour: the names' order is neither the taken nor the upload order. */
const SHOTS = [
  {
    name: "a-harbour.jpg",
    taken: "2024:05:02 18:00:00",
    width: 640,
    height: 480,
    colour: "#3b6fb6",
  },
  { name: "b-beach.jpg", taken: "2024:05:01 09:00:00", width: 480, height: 640, colour: "#f2a03d" },
  { name: "c-hills.jpg", taken: "2024:05:02 07:30:00", width: 800, height: 400, colour: "#5aa469" },
  { name: "d-city.jpg", taken: "2023:12:24 20:00:00", width: 600, height: 600, colour: "#8e44ad" },
];

/** The photos in the order shown (each tile's focus target), after the folders and files. */
const shown = async (page: Page) =>
  page
    .getByTestId("gallery")
    .locator("[data-focus-target]")
    .evaluateAll((all) => all.map((e) => e.getAttribute("title")));

const headers = (page: Page) => page.getByTestId("gallery-date");

const tile = (page: Page, name: string) =>
  page
    .getByTestId("gallery")
    .getByRole("row")
    .filter({ has: row(page, name) });

test("gallery: photos under the day they were taken, selected, opened, kept", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const { account, api } = await freshUser(request, "gallery");
  await mkdir(api, "Trips");
  await mkfile(api, ["notes.txt"], "notes");
  await signIn(page, account);
  const files = [];
  for (const s of SHOTS) {
    const plain = await jpeg(page, s.width, s.height, s.colour);
    const buffer = withExif(plain, {
      make: "Fujifilm",
      model: "X100V",
      exposure: [1, 500],
      fNumber: [4, 1],
      iso: 160,
      taken: s.taken,
      focalLength: [23, 1],
      width: s.width,
      height: s.height,
    });
    files.push({ name: s.name, mimeType: "image/jpeg", buffer });
  }
  await page.getByTestId("upload-input").setInputFiles(files);
  for (const s of SHOTS) await expect(row(page, s.name)).toBeVisible({ timeout: 30_000 });
  // The EXIF is read by a background task after each upload.
  await expect(async () => {
    const listed = await api<Listed>("GET", "/file", { query: { uri: my() } });
    const taken = listed.files.filter((f) => f.metadata?.["exif:taken_at"]);
    expect(taken.length).toBe(SHOTS.length);
  }).toPass({ timeout: 60_000 });
  await page.reload();

  // By name: the folder's order, and no dates.
  await page.getByRole("button", { name: "Show as gallery" }).click();
  await expect(page.getByRole("button", { name: "Show as gallery" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(page.getByTestId("gallery")).toBeVisible();
  await expect(async () =>
    expect(await shown(page)).toEqual(["Trips", "notes.txt", ...SHOTS.map((s) => s.name)]),
  ).toPass();
  await expect(headers(page)).toHaveCount(0);

  // By modified time, newest first: by the time taken, under each day.
  await page.getByRole("button", { name: "Sort" }).click();
  await page.getByRole("menuitem", { name: "Modified" }).click();
  await page.getByRole("button", { name: "Sort" }).click();
  await page.getByRole("menuitem", { name: "Descending" }).click();
  await expect(headers(page)).toHaveText([
    "Thursday, May 2, 2024",
    "Wednesday, May 1, 2024",
    "Sunday, December 24, 2023",
  ]);
  const photos = ["a-harbour.jpg", "c-hills.jpg", "b-beach.jpg", "d-city.jpg"];
  await expect(async () => expect((await shown(page)).slice(2)).toEqual(photos)).toPass();

  // Each photo keeps the aspect ratio of its EXIF size.
  for (const s of SHOTS) {
    const box = await tile(page, s.name).boundingBox();
    expect(box).not.toBeNull();
    if (box) expect(box.width / box.height).toBeCloseTo(s.width / s.height, 1);
  }
  await expect(tile(page, "a-harbour.jpg").locator("img")).toBeVisible({ timeout: 30_000 });
  await snap(page, info, "explorer-gallery");
  await expectAccessible(page, "the gallery");

  // Shift-click selects the range in the gallery's order; the checkbox adds one more.
  await row(page, "a-harbour.jpg").click();
  await row(page, "b-beach.jpg").click({ modifiers: ["Shift"] });
  const selected = page.getByTestId("gallery").locator('[role="row"][aria-selected="true"]');
  await expect(selected).toHaveCount(3);
  await expect(tile(page, "c-hills.jpg")).toHaveAttribute("aria-selected", "true");
  await tile(page, "d-city.jpg").hover();
  await page.getByRole("checkbox", { name: "Select d-city.jpg" }).check();
  await expect(selected).toHaveCount(4);
  await expect(page.getByText("4 of 6 selected")).toBeVisible();
  await snap(page, info, "explorer-gallery-selected");

  // Arrows move by photo; Enter and a double click open the image viewer.
  await page.keyboard.press("Escape");
  await expect(selected).toHaveCount(0);
  await row(page, "a-harbour.jpg").click();
  await page.keyboard.press("ArrowRight");
  await expect(row(page, "c-hills.jpg")).toBeFocused();
  await page.keyboard.press("Enter");
  const preview = page.getByRole("dialog");
  await expect(preview.getByTestId("preview-name")).toHaveText("c-hills.jpg");
  await page.keyboard.press("Escape");
  await expect(preview).toHaveCount(0);
  await row(page, "b-beach.jpg").dblclick();
  await expect(preview.getByTestId("preview-name")).toHaveText("b-beach.jpg");
  await expect(preview.getByTestId("preview-image")).toBeVisible();
  await page.keyboard.press("Escape");

  // Saved for the folder, as Cloudreve saves it: the same after a reload.
  await expect(async () => {
    const view = (
      await api<{ view: Record<string, unknown> }>("GET", "/file", {
        query: { uri: my() },
      })
    ).view;
    expect(view).toMatchObject({ view: "gallery", order: "updated_at", order_direction: "desc" });
  }).toPass();
  await page.reload();
  await expect(headers(page)).toHaveCount(3);
  await expect(page.getByRole("button", { name: "Show as gallery" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(async () => expect((await shown(page)).slice(2)).toEqual(photos)).toPass();

  // Dark, in Simplified Chinese; then on a phone.
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.reload();
  await expect(headers(page).first()).toHaveText("2024年5月2日星期四");
  await expect(tile(page, "a-harbour.jpg").locator("img")).toBeVisible({ timeout: 30_000 });
  await snap(page, info, "explorer-gallery-dark-zh");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(tile(page, "a-harbour.jpg").locator("img")).toBeVisible();
  await snap(page, info, "explorer-gallery-390-dark");
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "en-US");
  });
  await page.reload();
  await expect(headers(page)).toHaveCount(3);
  await expect(tile(page, "b-beach.jpg").locator("img")).toBeVisible({ timeout: 30_000 });
  await snap(page, info, "explorer-gallery-390");
  // The phone's menu offers the three views, the gallery the current one.
  await page.getByRole("button", { name: "More actions", exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "Show as gallery" })).toHaveAttribute(
    "aria-current",
    "true",
  );
  await expect(page.getByRole("menuitem", { name: "Show as list" })).not.toHaveAttribute(
    "aria-current",
  );
  await snap(page, info, "explorer-gallery-390-menu");
});

// 250 photos by default (each made through the API, about 8 a second on a loaded machine);
// STRATUS_E2E_LARGE=10000 runs the full-size folder on demand.
const TOTAL = Number(process.env.STRATUS_E2E_LARGE ?? 250);

test(`a gallery of ${TOTAL} photos scrolls to the end, virtualized, a page at a time`, async ({
  page,
  request,
}) => {
  test.setTimeout(40 * 60_000);
  const { account, api } = await freshUser(request, "gallery-large");
  await mkdir(api, "Camera");
  const name = (i: number) => `IMG_${String(i).padStart(5, "0")}.jpg`;
  for (let start = 0; start < TOTAL; start += 32) {
    await Promise.all(
      Array.from({ length: Math.min(32, TOTAL - start) }, (_, k) =>
        api("POST", "/file/create", { body: { uri: my("Camera", name(start + k)), type: "file" } }),
      ),
    );
  }
  await signIn(page, account, my("Camera"));
  await page.getByRole("button", { name: "Show as gallery" }).click();
  await expect(row(page, name(0))).toBeVisible();

  const grid = page.getByTestId("gallery");
  await expect(async () => {
    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect(row(page, name(TOTAL - 1))).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 240_000, intervals: [50] });
  // Only the lines in view (and a few more) are in the page.
  expect(await grid.locator("[data-focus-target]").count()).toBeLessThan(120);
  await expect(grid).toHaveAttribute("aria-rowcount", String(TOTAL));
});
