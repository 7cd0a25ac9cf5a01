// zh-TW and ja-JP, and the explorer on a phone: the toolbar on one row with the rest in a
// "more" menu, a long press that selects and taps that then toggle, and the upload button under
// the thumb. Screenshots at 375 px and at desktop width, light and dark, in both languages.
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

const PHONE = { width: 375, height: 740 };

async function setLook(page: Page, language: string, scheme: "light" | "dark") {
  await page.evaluate(
    ([l, s]) => {
      localStorage.setItem("stratus.language", l ?? "");
      localStorage.setItem("mantine-color-scheme-value", s ?? "");
    },
    [language, scheme],
  );
  await page.reload();
}

async function signedIn(
  browser: Browser,
  request: Parameters<typeof freshUser>[0],
  phone: boolean,
) {
  const { account, api } = await freshUser(request, "langphone");
  await mkdir(api, "Documents");
  await mkdir(api, "Photos from the summer holiday in Hokkaido");
  await mkfile(api, ["budget.csv"], "a,b\n1,2\n");
  await mkfile(api, ["readme.md"], "# hello");
  const context = await browser.newContext({
    baseURL: process.env.STRATUS_E2E_BASE,
    reducedMotion: "reduce",
    locale: "en-US",
    ...(phone ? { viewport: PHONE, hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  await signIn(page, account);
  return { page, context };
}

/** No text of `scope` wider than its box: nothing overflows or is cut off. */
async function expectNoClipping(scope: Locator) {
  const clipped = await scope.evaluateAll((nodes) =>
    nodes
      .flatMap((n) => [n, ...n.querySelectorAll("button, [role=menuitem], a, label")])
      .filter((e) => {
        const style = getComputedStyle(e);
        // Names truncated on purpose (an ellipsis, with the whole name in a title) are fine.
        if (style.textOverflow === "ellipsis") return false;
        return e.scrollWidth > e.clientWidth + 1 && style.overflow !== "visible";
      })
      .map((e) => e.textContent),
  );
  expect(clipped).toEqual([]);
}

/** A finger held on `target` for `ms`, through the browser's own touch input. */
async function longPress(page: Page, target: Locator, ms = 800) {
  const box = await target.boundingBox();
  if (!box) throw new Error("nothing to press");
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await page.waitForTimeout(ms);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

test("the browser's language picks zh-TW or ja-JP, with dates and sizes in its format", async ({
  browser,
}) => {
  for (const [locale, signInLabel] of [
    ["zh-TW", "登入"],
    ["ja-JP", "サインイン"],
  ] as const) {
    const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE, locale });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByRole("button", { name: signInLabel, exact: true })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await context.close();
  }
});

test("desktop in zh-TW and ja-JP, light and dark", async ({ browser, request }, info) => {
  const { page, context } = await signedIn(browser, request, false);
  await page.setViewportSize({ width: 1280, height: 800 });
  await setLook(page, "ja-JP", "light");
  await expect(row(page, "budget.csv")).toBeVisible();
  // Sizes and dates as Japanese writes them: "8 B", "2026/11/26 17:53".
  const budget = page.getByRole("row").filter({ has: row(page, "budget.csv") });
  await expect(budget).toContainText("8 B");
  await expect(budget).toContainText(/\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}/);
  await expect(page.getByRole("button", { name: "新しいフォルダー" })).toBeVisible();
  await snap(page, info, "desk-ja-light");
  await setLook(page, "zh-TW", "dark");
  await expect(budget).toContainText(/\d{4}年\d{1,2}月\d{1,2}日/);
  await expect(page.getByRole("button", { name: "新增資料夾" })).toBeVisible();
  await expectNoClipping(page.locator("header, main"));
  await snap(page, info, "desk-tw-dark");
  await context.close();
});

test("phone: one-row toolbar, long press selects, upload under the thumb", async ({
  browser,
  request,
}, info) => {
  const { page, context } = await signedIn(browser, request, true);
  await setLook(page, "ja-JP", "light");
  await expect(row(page, "budget.csv")).toBeVisible();

  // The toolbar is one row, and nothing is wider than the screen.
  const toolbar = page.getByTestId("phone-toolbar");
  const box = await toolbar.boundingBox();
  expect(box?.height).toBeLessThan(48);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );
  // Upload floats at the bottom right, where the right thumb reaches.
  const upload = page.getByRole("button", { name: "アップロード" });
  const fab = await upload.boundingBox();
  expect((fab?.x ?? 0) + (fab?.width ?? 0)).toBeGreaterThan(PHONE.width - 40);
  expect(fab?.y ?? 0).toBeGreaterThan(PHONE.height - 120);
  expect(fab?.width).toBeGreaterThanOrEqual(48);
  await snap(page, info, "phone-ja-light");

  // The rest is in the "more" menu.
  await page.getByRole("button", { name: "その他の操作" }).click();
  await expect(page.getByRole("menuitem", { name: "新しいフォルダー" })).toBeVisible();
  await expectNoClipping(page.getByRole("menu"));
  await snap(page, info, "phone-ja-more");
  await page.keyboard.press("Escape");

  // A tap opens a folder; a long press selects; then taps toggle.
  await longPress(page, row(page, "budget.csv"));
  await expect(page.getByRole("row", { selected: true })).toHaveCount(1);
  await expect(page.getByTestId("selection-count")).toBeVisible();
  await expect(upload).toBeHidden();
  await row(page, "readme.md").tap();
  await expect(page.getByRole("row", { selected: true })).toHaveCount(2);
  await snap(page, info, "phone-ja-selected");
  await row(page, "budget.csv").tap();
  await expect(page.getByRole("row", { selected: true })).toHaveCount(1);
  await row(page, "readme.md").tap();
  await expect(page.getByRole("row", { selected: true })).toHaveCount(0);
  await expect(upload).toBeVisible();

  await setLook(page, "zh-TW", "dark");
  await expect(row(page, "budget.csv")).toBeVisible();
  await expectNoClipping(page.locator("header, main"));
  await snap(page, info, "phone-tw-dark");
  await page.getByRole("button", { name: "上傳" }).tap();
  await expect(page.getByRole("menuitem", { name: "資料夾" })).toBeVisible();
  await snap(page, info, "phone-tw-upload");
  await page.keyboard.press("Escape");
  await row(page, "Documents").tap();
  await expect(page).toHaveURL(/Documents/);
  await snap(page, info, "phone-tw-folder");

  // Search opens under the row, and still nothing is wider than the screen.
  await page.getByRole("button", { name: "搜尋", exact: true }).tap();
  await expect(page.getByRole("form", { name: "搜尋" }).getByRole("textbox")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    PHONE.width,
  );
  await snap(page, info, "phone-tw-search");

  // An upload's panel and the floating button share the corner without covering each other.
  await page.getByTestId("upload-input").setInputFiles({
    name: "notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("hello"),
  });
  await expect(row(page, "notes.txt")).toBeVisible();
  await snap(page, info, "phone-tw-uploaded");
  await context.close();
});
