// Content search: with full-text search switched on through the admin settings API, the words
// of a Markdown and a text file are found from the explorer's box in "contents" mode; each hit
// shows its folder and the matched words marked; opening one opens its folder and preview; no
// results, an empty query and a site with search off each say so; the admin page shows the
// index's counts and a rebuild runs to its end. Screenshots in light, dark, zh-CN and at 390 px.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { type Api, freshUser, mkdir, mkfile, my, signIn } from "./explorer-helpers";
import { signInPage, snap } from "./helpers";
import { setSiteSettings } from "./site";

type Found = { hits: { file: { name: string } }[] };

async function waitIndexed(api: Api, word: string, count: number) {
  await expect
    .poll(
      async () => (await api<Found>("GET", "/file/search", { query: { query: word } })).hits.length,
      {
        timeout: 30_000,
      },
    )
    .toBe(count);
}

async function searchContents(
  page: Page,
  words: string,
  labels = { mode: "Contents", box: "Words in the files' text", open: "Search" },
) {
  const mode = page.getByText(labels.mode, { exact: true });
  const open = page.getByRole("button", { name: labels.open, exact: true });
  // On a phone the search box opens from the toolbar's search button. Either shows once the
  // explorer has rendered; until then neither does.
  await expect(mode.or(open).first()).toBeVisible({ timeout: 30_000 });
  if (!(await mode.isVisible())) await open.click();
  await mode.click();
  const box = page.getByRole("textbox", { name: labels.box });
  await box.fill(words);
  await box.press("Enter");
}

test.describe.configure({ timeout: 120_000 });

test.afterAll(async ({ request }) => {
  await setSiteSettings(request, { fts_enabled: "0" });
});

test("file contents are searched, shown with their folder and marked words, and opened", async ({
  page,
  request,
}, info) => {
  await setSiteSettings(request, { fts_enabled: "1" });
  const { account, api } = await freshUser(request, "fts");
  await mkdir(api, "Travel notes");
  await mkfile(
    api,
    ["Travel notes", "savanna.md"],
    "# Savanna\n\nThe shy okapi ate <leaves> & figs at dawn.\n",
  );
  await mkfile(api, ["diary.txt"], "A quiet day at the zoo. The okapi slept all afternoon.\n");
  await waitIndexed(api, "okapi", 2);

  await signIn(page, account);
  await searchContents(page, "okapi");
  const results = page.getByTestId("content-results");
  await expect(results.getByTestId("content-hit")).toHaveCount(2);
  // Every hit is shown: an exact count, not "2 of about 2 files".
  await expect(results.getByTestId("content-count")).toHaveText("2 files");
  const hit = results.getByTestId("content-hit").filter({ hasText: "savanna.md" });
  await expect(hit.getByTestId("content-hit-folder")).toHaveText("In /Travel notes");
  await expect(hit.locator("mark")).toHaveText("okapi");
  // The escaped markup of the text is shown as text, not as markup.
  await expect(hit.getByTestId("content-hit-snippet")).toContainText("ate <leaves> & figs");
  await snap(page, info, "search-content-light");

  await hit.getByRole("button", { name: "Open savanna.md" }).click();
  await expect(page).toHaveURL(/Travel%2520notes/);
  await expect(page.getByRole("dialog").getByTestId("preview-name")).toHaveText("savanna.md");
  await snap(page, info, "search-content-opened");
  await page.keyboard.press("Escape");

  await searchContents(page, "xylophonic");
  await expect(page.getByText("No file here or below contains these words.")).toBeVisible();
  await page.keyboard.press("Escape");
  await page.getByRole("textbox", { name: "Words in the files' text" }).fill("");
  await page.getByRole("textbox", { name: "Words in the files' text" }).press("Enter");
  await expect(page.getByText("Type a few words to search the files' text.")).toBeVisible();
  await snap(page, info, "search-content-empty");
  await page.keyboard.press("Escape");
  await setSiteSettings(request, { fts_enabled: "0" });
  await searchContents(page, "okapi");
  await expect(page.getByRole("alert")).toContainText("not enabled");
  await setSiteSettings(request, { fts_enabled: "1" });
  // Settings are cached for a few seconds: the search answers again once the cache has it.
  await waitIndexed(api, "okapi", 2);
  await page.keyboard.press("Escape");

  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "dark");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.setViewportSize({ width: 390, height: 780 });
  await page.goto("/home");
  await searchContents(page, "okapi", { mode: "内容", box: "文件正文中的词语", open: "搜索" });
  await expect(page.getByTestId("content-hit")).toHaveCount(2);
  await expect(page.getByTestId("content-hit-folder").first()).toContainText("位于");
  await snap(page, info, "search-content-dark-zh-390");
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "搜索筛选" }).click();
  await snap(page, info, "search-content-dark-zh-filters");
});

test("a signed-out visitor of a share is offered the name search only", async ({
  browser,
  page,
  request,
}, info) => {
  await setSiteSettings(request, { fts_enabled: "1" });
  const { account, api } = await freshUser(request, "fts-share");
  await mkdir(api, "Field notes");
  await mkfile(api, ["Field notes", "tapir.txt"], "The tapir swims.\n");
  const link = await api<string>("PUT", "/share", { body: { uri: my("Field notes") } });

  // `/file/search` needs a signed-in user: a visitor would be answered "Please sign in again".
  const guest = await (
    await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE })
  ).newPage();
  await guest.goto(new URL(link).pathname);
  await expect(guest.getByRole("button", { name: "tapir.txt", exact: true })).toBeVisible();
  const box = guest.getByRole("textbox", { name: "Name contains" });
  await expect(box).toBeVisible();
  await expect(guest.getByText("Contents", { exact: true })).toHaveCount(0);
  await expect(guest.getByRole("textbox", { name: "Words in the files' text" })).toHaveCount(0);
  // The name search works for the visitor.
  await box.fill("tapir");
  await box.press("Enter");
  await expect(guest.getByRole("button", { name: "tapir.txt", exact: true })).toBeVisible();
  await expect(guest.getByText("Please sign in again")).toHaveCount(0);
  await snap(guest, info, "search-share-visitor");
  await guest.context().close();

  // Signed in, the owner is offered both.
  await signIn(page, account);
  await expect(page.getByText("Contents", { exact: true })).toBeVisible();
});

async function adminPage(browser: Browser, dark: boolean, zh: boolean) {
  const page = await browser.newPage();
  await signInPage(page, ACCOUNTS.admin);
  await page.evaluate(
    ([d, z]) => {
      localStorage.setItem("mantine-color-scheme-value", d ? "dark" : "light");
      localStorage.setItem("stratus.language", z ? "zh-CN" : "en-US");
    },
    [dark, zh],
  );
  await page.goto("/admin/search");
  return page;
}

test("the admin page shows the index's counts and rebuilds it", async ({
  browser,
  request,
}, info) => {
  // The rebuild reads every file the whole suite has made so far on the shared server: its
  // time grows with the suite, not with this test.
  test.setTimeout(300_000);
  await setSiteSettings(request, { fts_enabled: "1" });
  const { api } = await freshUser(request, "fts-admin");
  await mkfile(api, ["pangolin.txt"], "The pangolin rolls into a ball.\n");
  await mkfile(api, ["broken.docx"], "not a zip at all");
  await waitIndexed(api, "pangolin", 1);

  const page = await adminPage(browser, false, false);
  await expect(page.getByText("Rebuilding empties the index")).toBeVisible();
  await expect(page.getByRole("switch", { name: "Search file contents" })).toBeChecked();
  await expect(page.getByTestId("fts-indexed")).toHaveText(/^[1-9]/);
  await expect(page.getByTestId("fts-failed")).toHaveText(/^[1-9]/);
  await expect(page.getByTestId("fts-failures")).toBeVisible();
  await page.getByRole("button", { name: "Rebuild index" }).click();
  await expect(page.getByTestId("fts-rebuild")).toBeVisible();
  await expect(page.getByText("The rebuild is done.")).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId("fts-indexed")).toHaveText(/^[1-9]/);
  await snap(page, info, "search-admin-light");
  await page.close();

  const dark = await adminPage(browser, true, true);
  await expect(dark.getByText("重建会清空索引")).toBeVisible();
  await expect(dark.getByTestId("fts-indexed")).toHaveText(/^[1-9]/);
  await snap(dark, info, "search-admin-dark-zh");
  await dark.setViewportSize({ width: 390, height: 780 });
  await snap(dark, info, "search-admin-dark-zh-390");
  await dark.close();
});
