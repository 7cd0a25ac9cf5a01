// Cloudreve 4.x additions in the web UI: a file's direct links listed in the info panel (copy,
// counts, revoke), and a shared folder's README rendered on its share page when the owner
// turned it on in the share dialog; the README's HTML never runs.
import { type Browser, expect, type Page, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

type Info = { extended_info?: { direct_links?: { id: string; url: string }[] } };

async function visitor(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  return context.newPage();
}

test("direct links: listed with their counts, copied and revoked", async ({
  page,
  request,
}, info) => {
  // The admin group: direct links need a `source_batch` the default group may lack.
  const { account, api } = await freshUser(request, "links", 1);
  await mkfile(api, ["report.pdf"], "%PDF-1.4 not really");
  const made = await api<{ link: string }[]>("PUT", "/file/source", {
    body: { uris: [my("report.pdf")] },
  });
  const link = made[0]?.link ?? "";
  const followed = await request.get(new URL(link).pathname, { maxRedirects: 0 });
  expect(followed.status()).toBe(302);
  await signIn(page, account);

  await row(page, "report.pdf").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "report.pdf" });
  const entry = panel.getByTestId("direct-link");
  await expect(entry).toHaveCount(1);
  await expect(entry.getByRole("textbox", { name: "Direct link" })).toHaveValue(link);
  await expect(entry).toContainText("Downloads: 1");
  await expect(entry.getByRole("button", { name: "Copy the direct link" })).toBeVisible();
  await entry.scrollIntoViewIfNeeded();
  await snap(page, info, "direct-links-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "direct-links-dark");
  await page.emulateMedia({ colorScheme: "light" });

  await entry.getByRole("button", { name: "Revoke this link" }).click();
  await expect(panel.getByTestId("direct-link")).toHaveCount(0);
  const after = await api<Info>("GET", "/file/info", {
    query: { uri: my("report.pdf"), extended: "true" },
  });
  expect(after.extended_info?.direct_links).toBeUndefined();
  const gone = await request.get(new URL(link).pathname, { maxRedirects: 0 });
  expect(gone.status()).toBe(404);

  // A new link from the panel, at a phone's width.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole("button", { name: "Get a direct link" }).click();
  await expect(page.getByTestId("direct-link")).toHaveCount(1);
  await snap(page, info, "direct-links-phone");
});

test("a shared folder shows its README to visitors when the owner asks", async ({
  page,
  browser,
  request,
}, info) => {
  test.setTimeout(120_000);
  const { account, api } = await freshUser(request, "readme");
  await mkdir(api, "Guide");
  await mkfile(api, ["Guide", "chapter.txt"], "one");
  await mkfile(
    api,
    ["Guide", "ReadMe.MD"],
    [
      "# Welcome to the guide",
      "",
      "Read **chapter.txt** first. [Project site](https://example.com)",
      "",
      '<img src=x onerror="window.pwned = 1">',
      "<script>window.pwned = 2</script>",
      "",
      "- one",
      "- two",
    ].join("\n"),
  );

  // The toggle is in the share dialog of a folder.
  await signIn(page, account);
  await page.getByRole("button", { name: "Actions for Guide" }).click();
  await page.getByRole("menuitem", { name: "Share" }).click();
  const dialog = page.getByRole("dialog", { name: "Share “Guide”" });
  await dialog.getByRole("switch", { name: "Show the folder's README" }).check();
  await snap(page, info, "share-dialog-readme");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const linkField = dialog.getByRole("textbox", { name: "Link" });
  await expect(linkField).toHaveValue(/\/s\//);
  const link = await linkField.inputValue();

  const guest = await visitor(browser);
  await guest.goto(new URL(link).pathname);
  const readme = guest.getByTestId("share-readme");
  await expect(readme.getByRole("heading", { name: "Welcome to the guide" })).toBeVisible();
  await expect(readme.getByRole("link", { name: "Project site" })).toHaveAttribute(
    "target",
    "_blank",
  );
  await expect(readme.locator("script")).toHaveCount(0);
  expect(await readme.locator("img").getAttribute("onerror")).toBeNull();
  expect(
    await guest.evaluate(() => (window as unknown as { pwned?: number }).pwned),
  ).toBeUndefined();
  await snap(guest, info, "share-readme-top");
  await readme.scrollIntoViewIfNeeded();
  await snap(guest, info, "share-readme-light");
  await guest.emulateMedia({ colorScheme: "dark" });
  await snap(guest, info, "share-readme-dark");
  await guest.setViewportSize({ width: 390, height: 844 });
  await readme.scrollIntoViewIfNeeded();
  await snap(guest, info, "share-readme-phone");

  // Turned off, the page shows no README.
  const shares = await api<{ shares: { id: string }[] }>("GET", "/share", {
    query: { page_size: "10" },
  });
  await api("POST", `/share/${shares.shares[0]?.id}`, {
    body: { uri: my("Guide"), show_readme: false },
  });
  const other = await visitor(browser);
  await other.goto(new URL(link).pathname);
  await expect(other.getByRole("button", { name: "chapter.txt", exact: true })).toBeVisible();
  await expect(other.getByTestId("share-readme")).toHaveCount(0);
});
