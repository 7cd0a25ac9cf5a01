// Custom properties end to end: the administrator edits the definitions in a table, a user fills
// every kind in the info panel (saved as `props:<id>` metadata), and shows one as a list column;
// the sidebar's extra links and custom HTML; screenshots in light, dark and phone widths.
import { expect, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin } from "./admin-helpers";
import { freshUser, mkfile, my, row, signIn } from "./explorer-helpers";
import { apiAs, snap } from "./helpers";

const PROPS = [
  { id: "description", name: "fileManager.description", type: "text", max: 200 },
  { id: "rating", name: "fileManager.rating", type: "rating", max: 5 },
  { id: "pages", name: "Pages", type: "number", min: 1, max: 999 },
  { id: "done", name: "Reviewed", type: "boolean" },
  { id: "stage", name: "Stage", type: "select", options: ["draft", "final"] },
  { id: "home", name: "Homepage", type: "link" },
];

const DEFAULT_PROPS =
  '[{"id":"description","type":"text","icon":"fluent:slide-text-24-filled","name":"fileManager.description"},{"id":"rating","type":"rating","icon":"fluent:data-bar-vertical-star-24-filled","name":"fileManager.rating","max":5}]';

test.afterAll(async ({ request }) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", {
    body: {
      settings: { custom_props: DEFAULT_PROPS, custom_nav_items: "[]", sidebar_bottom_html: "" },
    },
  });
});

test("the administrator edits property definitions in a table", async ({ page, request }, info) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", { body: { settings: { custom_props: DEFAULT_PROPS } } });
  await openAdmin(page, "settings");
  await page.getByRole("tab", { name: "File explorer" }).click();
  const table = page.getByTestId("custom-props-editor");
  await expect(table.getByRole("textbox", { name: "Id" })).toHaveCount(2);
  await page.getByRole("button", { name: "Add a property" }).click();
  const ids = table.getByRole("textbox", { name: "Id" });
  await ids.nth(2).fill("stage");
  await table.getByRole("textbox", { name: "Name" }).nth(2).fill("Stage");
  await table.getByRole("combobox", { name: "Type" }).nth(2).click();
  await page.getByRole("option", { name: "One choice" }).click();
  const options = table.getByLabel("Options");
  await options.fill("draft");
  await options.press("Enter");
  await options.fill("final");
  await options.press("Enter");
  await snap(page, info, "admin-custom-props");
  await page.getByRole("tabpanel").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  const saved = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: ["custom_props"] },
  });
  const defs = JSON.parse(saved.custom_props ?? "[]");
  expect(defs[2]).toMatchObject({
    id: "stage",
    name: "Stage",
    type: "select",
    options: ["draft", "final"],
  });
  // The icon the table does not show is kept.
  expect(defs[0].icon).toBe("fluent:slide-text-24-filled");

  await page.getByRole("tab", { name: "Cloudreve compatibility (no effect)" }).click();
  await expect(page.getByText(/have no effect/)).toBeVisible();
  await snap(page, info, "admin-compat");
});

test("a user fills custom properties and shows one as a column", async ({
  page,
  request,
}, info) => {
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", {
    body: {
      settings: {
        custom_props: JSON.stringify(PROPS),
        custom_nav_items: JSON.stringify([
          {
            icon: "fluent:book-24-regular",
            name: "Team handbook",
            url: "https://example.com/handbook",
          },
        ]),
        sidebar_bottom_html:
          '<p style="margin:0">Support: <b>ext. 42</b></p><script>window.bad=1</script>',
      },
    },
  });
  const { account, api } = await freshUser(request, "props");
  await mkfile(api, ["report.txt"], "numbers");
  await mkfile(api, ["notes.txt"], "words");
  await signIn(page, account);

  // Sidebar: the extra link and the administrator's HTML, without its script.
  const link = page.getByRole("link", { name: "Team handbook" });
  await expect(link).toHaveAttribute("href", "https://example.com/handbook");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(page.getByTestId("sidebar-bottom-html")).toContainText("Support: ext. 42");
  expect(await page.evaluate(() => (window as unknown as { bad?: number }).bad)).toBeUndefined();

  await row(page, "report.txt").click();
  await page.keyboard.press("Alt+Enter");
  const panel = page.getByRole("complementary", { name: "report.txt" });
  const section = panel.getByTestId("custom-props");
  await expect(section.getByText("Description")).toBeVisible();
  await section.getByLabel("Description").fill("Quarterly numbers");
  await section.getByLabel("Pages").click();
  await section.getByLabel("Pages").fill("12");
  await section.getByLabel("Homepage").click();
  await section.getByLabel("Reviewed").check();
  const meta = async () =>
    (
      await api<{ metadata: Record<string, string> }>("GET", "/file/info", {
        query: { uri: my("report.txt") },
      })
    ).metadata;
  await expect(async () => {
    const m = await meta();
    expect(m["props:description"]).toBe("Quarterly numbers");
    expect(m["props:pages"]).toBe("12");
    expect(m["props:done"]).toBe("true");
  }).toPass();
  await section.getByRole("combobox", { name: "Stage" }).click();
  await page.getByRole("option", { name: "final" }).click();
  // The fourth star.
  await section.locator(".mantine-Rating-root label").nth(4).click();
  await expect(async () => {
    const m = await meta();
    expect(m["props:stage"]).toBe("final");
    expect(m["props:rating"]).toBe("4");
  }).toPass();
  await snap(page, info, "info-custom-props");

  // The rating as a column of the list, kept with the folder's view.
  await page.getByRole("button", { name: "Property columns" }).click();
  await page.getByRole("menuitem", { name: "Rating" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("columnheader", { name: "Rating" })).toBeVisible();
  const reportRow = page.locator('[role="row"]', { hasText: "report.txt" });
  await expect(reportRow.getByTestId("prop-cell-rating")).toHaveText("★★★★");
  await snap(page, info, "list-prop-column");
  await expect(async () => {
    const listed = await api<{ view?: { columns?: { props?: { custom_props_id?: string } }[] } }>(
      "GET",
      "/file",
      { query: { uri: my() } },
    );
    expect(listed.view?.columns?.some((c) => c.props?.custom_props_id === "rating")).toBe(true);
  }).toPass();

  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, info, "list-prop-column-dark");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, "phone-info");
});
