// Sorting (sent to the list API) and the thumbnail grid, saved as the folder's view and restored
// after a reload; search with filters; pins; trash; shared with me.
import { expect, type Page, test } from "@playwright/test";
import { freshUser, mkdir, mkfile, my, names, row, signIn } from "./explorer-helpers";
import { snap } from "./helpers";

// The names in the order shown: each item's one focus target (not the column headers).
const order = async (page: Page) =>
  page.getByRole("grid", { name: "Files" }).locator("[data-focus-target]").allTextContents();

test("sort by size, descending, in a thumbnail grid; kept after a reload", async ({
  page,
  request,
}, info) => {
  const { account, api } = await freshUser(request, "view");
  await mkfile(api, ["b-small.txt"], "x");
  await mkfile(api, ["a-large.txt"], "x".repeat(3000));
  await mkfile(api, ["c-medium.txt"], "x".repeat(200));
  await signIn(page, account);
  await expect(row(page, "a-large.txt")).toBeVisible();
  expect(await order(page)).toEqual(["a-large.txt", "b-small.txt", "c-medium.txt"]);

  const listed = page.waitForRequest((r) => /\/api\/v4\/file\?.*order_by=size/.test(r.url()));
  await page.getByRole("button", { name: "Sort" }).click();
  await page.getByRole("menuitem", { name: "Size" }).click();
  const sent = new URL((await listed).url());
  expect(sent.searchParams.get("order_by")).toBe("size");
  await expect(async () =>
    expect(await order(page)).toEqual(["b-small.txt", "c-medium.txt", "a-large.txt"]),
  ).toPass();
  await page.getByRole("button", { name: "Sort" }).click();
  await page.getByRole("menuitem", { name: "Descending" }).click();
  await expect(async () =>
    expect(await order(page)).toEqual(["a-large.txt", "c-medium.txt", "b-small.txt"]),
  ).toPass();

  await page.getByRole("button", { name: "Show as thumbnails" }).click();
  await expect(page.getByRole("button", { name: "Show as list" })).toBeVisible();
  await snap(page, info, "explorer-grid");

  // Saved on the server: the listing now says so, and a reload shows the same.
  await expect(async () => {
    const view = (
      await api<{ view: Record<string, unknown> }>("GET", "/file", { query: { uri: my() } })
    ).view;
    expect(view).toMatchObject({ order: "size", order_direction: "desc", view: "grid" });
  }).toPass();
  await page.reload();
  await expect(page.getByRole("button", { name: "Show as list" })).toBeVisible();
  await expect(async () =>
    expect(await order(page)).toEqual(["a-large.txt", "c-medium.txt", "b-small.txt"]),
  ).toPass();

  await page.setViewportSize({ width: 375, height: 740 });
  await snap(page, info, "explorer-grid-375");
});

test("search with filters, pin the search, trash: restore, delete for good, empty", async ({
  page,
  request,
}, info) => {
  // Many steps, each waiting for the server: a loaded machine needs more than the default budget.
  test.setTimeout(120_000);
  const { account, api } = await freshUser(request, "search");
  await mkdir(api, "Photos");
  await mkfile(api, ["Photos", "beach.jpg"], "j".repeat(2000));
  await mkfile(api, ["Photos", "beach-notes.txt"], "n");
  await mkfile(api, ["beach.md"], "m");
  await mkfile(api, ["tagged.txt"], "t");
  await api("PATCH", "/file/metadata", {
    body: {
      uris: [my("tagged.txt")],
      patches: [{ key: "tag:holiday", value: "", private: false }],
    },
  });
  await signIn(page, account);

  await page.getByLabel("Name contains").fill("beach");
  await page.keyboard.press("Enter");
  await expect(row(page, "beach.jpg")).toBeVisible();
  await expect(row(page, "beach-notes.txt")).toBeVisible();
  await expect(row(page, "beach.md")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Folder path" })).toContainText(
    "Search results",
  );

  await page.getByRole("button", { name: "Search filters" }).click();
  await page.getByLabel("At least (MB)").fill("0.001");
  await page.getByLabel("Category").selectOption("image");
  await snap(page, info, "explorer-search-filters");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(row(page, "beach.jpg")).toBeVisible();
  await expect(row(page, "beach.md")).toHaveCount(0);
  const url = decodeURIComponent(decodeURIComponent(page.url()));
  expect(url).toContain("name=beach");
  expect(url).toContain("category=image");
  expect(url).toContain("size_gte=1049");

  // A tag filter.
  await page.getByRole("button", { name: "Clear search" }).click();
  await page.getByRole("button", { name: "Search filters" }).click();
  await page.getByRole("textbox", { name: "Tag", exact: true }).fill("holiday");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(row(page, "tagged.txt")).toBeVisible();
  await expect(row(page, "beach.md")).toHaveCount(0);
  await page.getByRole("button", { name: "Pin this search to the side bar" }).click();
  const pinnedSearch = page.getByRole("region", { name: "Pinned" }).getByRole("button", {
    name: "Search results",
    exact: true,
  });
  await expect(pinnedSearch).toBeVisible();
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect(row(page, "beach.md")).toBeVisible();
  await pinnedSearch.click();
  await expect(row(page, "beach.md")).toHaveCount(0);
  await expect(row(page, "tagged.txt")).toBeVisible();
  await page.getByRole("button", { name: "Unpin Search results" }).click();

  // Pin a folder; it shows in the side bar and is kept by the server.
  await page.getByRole("button", { name: "Clear search" }).click();
  await row(page, "Photos").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Pin to the side bar" }).click();
  const pins = page.getByRole("region", { name: "Pinned" });
  await expect(pins.getByRole("button", { name: "Photos", exact: true })).toBeVisible();
  const me = await api<{ pined?: { uri: string }[] }>("GET", "/user/me");
  expect(me.pined?.map((p) => p.uri)).toEqual([my("Photos")]);
  await pins.getByRole("button", { name: "Photos", exact: true }).click();
  await expect(row(page, "beach.jpg")).toBeVisible();
  await pins.getByRole("button", { name: /Unpin/ }).click();
  await expect(pins).toHaveCount(0);

  // Trash: two files in, one restored, one deleted for good, then the rest emptied.
  await row(page, "beach.jpg").click();
  await row(page, "beach-notes.txt").click({ modifiers: ["Shift"] });
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page.getByRole("link", { name: "Trash" }).click();
  await row(page, "beach.jpg").click({ button: "right" });
  await page.getByRole("menuitem", { name: "Restore" }).click();
  await expect(row(page, "beach.jpg")).toHaveCount(0);
  expect(await names(api, "Photos")).toEqual(["beach.jpg"]);
  await row(page, "beach-notes.txt").click();
  await page.getByRole("toolbar").getByRole("button", { name: "Delete for good" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete for good" }).click();
  await expect(page.getByText("The trash is empty.")).toBeVisible();

  await page.goto(`/home?path=${encodeURIComponent(my())}`);
  await row(page, "beach.md").click();
  await page.keyboard.press("Delete");
  await page.getByRole("dialog").getByRole("button", { name: "Move to trash" }).click();
  await page.getByRole("link", { name: "Trash" }).click();
  await expect(row(page, "beach.md")).toBeVisible();
  await snap(page, info, "explorer-trash");
  await page.getByRole("button", { name: "Empty trash" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Empty trash" }).click();
  await expect(page.getByText("The trash is empty.")).toBeVisible();
  const trash = await api<{ files: unknown[] }>("GET", "/file", {
    query: { uri: "cloudreve://trash" },
  });
  expect(trash.files).toEqual([]);

  await page.getByRole("link", { name: "Shared with me" }).click();
  await expect(page.getByText("Nothing is shared with you yet.", { exact: false })).toBeVisible();
});
