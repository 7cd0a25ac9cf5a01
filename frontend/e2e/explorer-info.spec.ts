// The info panel (details, versions, tags, direct link), a photo's EXIF in it, and lock
// conflicts with force unlock.
import { expect, type Page, test } from "@playwright/test";
import { withExif } from "./exif";
import { freshUser, mkfile, my, names, row, signIn, writeFile } from "./explorer-helpers";
import { snap } from "./helpers";

type Info = {
  primary_entity?: string;
  metadata: Record<string, string>;
  extended_info?: { entities?: { id: string; size: number; type: number }[] };
};

test("info panel: details, versions, tags and a direct link", async ({ page, request }, info) => {
  // The admin group: direct links need a `source_batch` the default group may lack.
  const { account, api } = await freshUser(request, "info", 1);
  await api("PATCH", "/user/setting", { body: { version_retention_enabled: true } });
  await mkfile(api, ["draft.txt"], "first");
  await writeFile(api, ["draft.txt"], "second, longer");
  const infoOf = () =>
    api<Info>("GET", "/file/info", { query: { uri: my("draft.txt"), extended: "true" } });
  const before = await infoOf();
  const versions = before.extended_info?.entities?.filter((e) => e.type === 0) ?? [];
  expect(versions.length).toBe(2);
  await signIn(page, account);

  await row(page, "draft.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "draft.txt" });
  await expect(panel.getByRole("table", { name: "Details" })).toContainText("14 B");
  await expect(panel.getByRole("table", { name: "Details" })).toContainText("/draft.txt");
  await expect(panel.getByTestId("version")).toHaveCount(2);
  await snap(page, info, "explorer-info");

  // The older version becomes current, then the newer one is deleted.
  await panel.getByRole("button", { name: "Make this the current version" }).click();
  await expect(async () => {
    const now = await infoOf();
    expect(now.primary_entity).not.toBe(before.primary_entity);
  }).toPass();
  await panel.getByRole("button", { name: "Delete this version" }).click();
  await expect(panel.getByTestId("version")).toHaveCount(1);
  expect((await infoOf()).extended_info?.entities?.filter((e) => e.type === 0).length).toBe(1);

  // Tags are metadata `tag:<name>`.
  await panel.getByLabel("Tags").fill("urgent");
  await page.keyboard.press("Enter");
  await expect(async () => expect((await infoOf()).metadata).toHaveProperty("tag:urgent")).toPass();

  await panel.getByRole("button", { name: "Get a direct link" }).click();
  await expect(panel.getByLabel("Direct link", { exact: true })).toHaveValue(/\/f\//);
});

test("the info panel follows a save made in the editor", async ({ page, request }, info) => {
  const { account, api } = await freshUser(request, "info-save");
  await api("PATCH", "/user/setting", { body: { version_retention_enabled: true } });
  await mkfile(api, ["notes.txt"], "first line\n");
  await signIn(page, account);

  await row(page, "notes.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "notes.txt" });
  const details = panel.getByRole("table", { name: "Details" });
  await expect(details).toContainText("11 B");
  await expect(panel.getByTestId("version")).toHaveCount(1);

  await row(page, "notes.txt").dblclick();
  const editor = page.getByRole("textbox", { name: "Contents of notes.txt" });
  await expect(editor).toContainText("first line");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("second line");
  await page.keyboard.press("ControlOrMeta+s");
  await expect(page.getByText("“notes.txt” saved as a new version")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("preview-name")).toHaveCount(0);

  // The panel stayed open beside the list: it shows the new size and the new version.
  await expect(details).toContainText("22 B");
  await expect(panel.getByTestId("version")).toHaveCount(2);
  await snap(page, info, "explorer-info-after-save");
});

test("a locked file: the conflict offers a force unlock, then the delete goes through", async ({
  page,
  request,
}, info) => {
  // WebDAV is a permission of the admin group only, by default.
  const { account, api } = await freshUser(request, "locks", 1);
  await mkfile(api, ["held.txt"], "held");
  const dav = await api<{ password: string }>("PUT", "/devices/dav", {
    body: { uri: "cloudreve://my", name: "editor" },
  });
  const auth = `Basic ${Buffer.from(`${account.email}:${dav.password}`).toString("base64")}`;
  const lock = await request.fetch("/dav/held.txt", {
    method: "LOCK",
    headers: { Authorization: auth, Timeout: "Second-600", "Content-Type": "application/xml" },
    data: '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>editor</D:owner></D:lockinfo>',
  });
  expect(lock.status()).toBe(200);
  await signIn(page, account);

  await row(page, "held.txt").click();
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  const conflict = page.getByRole("dialog", { name: "Locked files" });
  await expect(conflict).toContainText("held.txt");
  await snap(page, info, "explorer-lock-conflict");
  expect(await names(api)).toEqual(["held.txt"]);
  await conflict.getByRole("button", { name: "Force unlock and retry" }).click();
  await expect(conflict).toHaveCount(0);
  await expect(row(page, "held.txt")).toHaveCount(0);
  expect(await names(api)).toEqual([]);
});

/** A 640 × 480 JPEG drawn by the browser (a sunset), without EXIF. */
async function jpeg(page: Page): Promise<Buffer> {
  const data = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2d context");
    const sky = ctx.createLinearGradient(0, 0, 0, 480);
    sky.addColorStop(0, "#243b6b");
    sky.addColorStop(0.7, "#f28c38");
    ctx.fillStyle = sky;
    ctx.fillRect(0, 0, 640, 480);
    ctx.fillStyle = "#ffd25e";
    ctx.beginPath();
    ctx.arc(320, 340, 60, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#1d2b3a";
    ctx.fillRect(0, 360, 640, 120);
    return canvas.toDataURL("image/jpeg", 0.8).split(",")[1] ?? "";
  });
  return Buffer.from(data, "base64");
}

test.describe("a photo's EXIF", () => {
  // Far from the photo's own offset (-03:00): the time shown is still the camera's wall clock.
  test.use({ timezoneId: "Asia/Tokyo" });

  test("the info panel shows camera, exposure, time and place; none for a plain picture", async ({
    page,
    request,
  }, info) => {
    const { account, api } = await freshUser(request, "photo");
    await signIn(page, account);
    const plain = await jpeg(page);
    const photo = withExif(plain, {
      make: "Canon",
      model: "Canon EOS R5",
      exposure: [1, 250],
      fNumber: [28, 10],
      iso: 200,
      taken: "2024:05:01 10:20:30",
      offset: "-03:00",
      bias: [-1, 3],
      focalLength: [35, 1],
      width: 640,
      height: 480,
      gps: { latitude: -22.952167, longitude: -43.210722, altitude: 700 },
    });
    await page.getByTestId("upload-input").setInputFiles([
      { name: "plain.jpg", mimeType: "image/jpeg", buffer: plain },
      { name: "sunset.jpg", mimeType: "image/jpeg", buffer: photo },
    ]);
    await expect(row(page, "sunset.jpg")).toBeVisible({ timeout: 30_000 });
    await expect(row(page, "plain.jpg")).toBeVisible({ timeout: 30_000 });

    // Opened at once: the panel asks again until the background task has read the EXIF.
    await row(page, "sunset.jpg").click();
    await page.keyboard.press("Alt+Enter");
    const panel = page.getByRole("complementary", { name: "sunset.jpg" });
    const section = panel.getByRole("table", { name: "Photo" });
    await expect(section).toBeVisible({ timeout: 30_000 });
    await expect(section).toContainText("Canon EOS R5");
    await expect(section).not.toContainText("Canon Canon");
    await expect(section).toContainText("f/2.8 · 1/250 s · 35 mm · ISO 200 · \u22120.3 EV");
    await expect(section).toContainText("May 1, 2024, 10:20 AM");
    await expect(section).toContainText("640 × 480");
    await expect(section).toContainText("Altitude 700 m");
    const map = section.getByRole("link", { name: /22\.9522° S, 43\.2107° W/ });
    await expect(map).toHaveText("22.9522° S, 43.2107° W");
    await expect(map).toHaveAttribute(
      "href",
      "https://www.openstreetmap.org/?mlat=-22.952167&mlon=-43.210722#map=16/-22.952167/-43.210722",
    );
    await expect(map).toHaveAttribute("target", "_blank");
    await expect(map).toHaveAttribute("rel", "noopener noreferrer");
    // EXIF keys are not tags.
    await expect(panel.getByLabel("Tags")).toHaveValue("");
    await expect(panel).not.toContainText("exif:");
    await expect(panel).not.toContainText("camera_make");
    await snap(page, info, "explorer-info-photo");
    const metadata = (await api<Info>("GET", "/file/info", { query: { uri: my("sunset.jpg") } }))
      .metadata;
    expect(metadata["exif:taken_at"]).toBe("2024-05-01T10:20:30-03:00");

    // The task for the plain picture has run as well by now: it found nothing to show.
    await page.keyboard.press("Escape");
    await row(page, "plain.jpg").click();
    await page.keyboard.press("Alt+Enter");
    const other = page.getByRole("complementary", { name: "plain.jpg" });
    await expect(other.getByRole("table", { name: "Details" })).toBeVisible();
    await expect(other.getByRole("table", { name: "Photo" })).toHaveCount(0);
    const plainMeta = (await api<Info>("GET", "/file/info", { query: { uri: my("plain.jpg") } }))
      .metadata;
    expect(Object.keys(plainMeta ?? {}).filter((k) => k.startsWith("exif:"))).toEqual([]);
    await page.keyboard.press("Escape");

    // Dark, in Simplified Chinese.
    await page.evaluate(() => {
      localStorage.setItem("mantine-color-scheme-value", "dark");
      localStorage.setItem("stratus.language", "zh-CN");
    });
    await page.reload();
    await row(page, "sunset.jpg").click();
    await page.keyboard.press("Alt+Enter");
    const zh = page
      .getByRole("complementary", { name: "sunset.jpg" })
      .getByRole("table", { name: "照片" });
    await expect(zh).toContainText("2024年5月1日");
    await expect(zh).toContainText("海拔 700 m");
    await snap(page, info, "explorer-info-photo-dark-zh");
  });
});
