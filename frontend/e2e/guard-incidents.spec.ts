// The guard's incidents outside the banner: two WebDAV accounts of one user delete too much and
// are stopped; the user sees both under Settings → Security incidents, with the files each
// changed, and releases one ("It was me"); the administrator finds the other on the console's
// Incidents page, filters by state, and undoes it (every file comes back). Then the guard's
// settings are changed in the console's Guard tab (a bad number is stopped first) and the group
// editor says its group is exempt. With many incidents, Settings shows the newest and pages back
// through the older. Every setting changed is put back at the end.
import { type APIRequestContext, expect, type Locator, type Page, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { type Account, apiAs, fillSignIn, signInPage, snap, snapAll } from "./helpers";
import { newAccount, setSiteSettings } from "./site";

type Listed = { files: { name: string }[] };
type Incident = { id: number; state: string; credential: { name: string } };

/** Restores what the spec changes: the defaults of docs/guard.md. */
const GUARD_DEFAULTS = {
  guard_burst_files: "200",
  guard_burst_seconds: "60",
  guard_exempt_groups: "",
};

/**
 * A folder of `count` files, deleted one by one through WebDAV account `device` until the guard
 * stops it (423).
 */
async function trip(request: APIRequestContext, owner: Account, device: string, count: number) {
  const api = await apiAs(request, owner);
  const folder = `From-${device}`;
  await api("POST", "/file/create", { body: { uri: `cloudreve://my/${folder}`, type: "folder" } });
  const names = Array.from({ length: count }, (_, i) => `${device}-${i}.txt`);
  for (const name of names) {
    await api("POST", "/file/create", {
      body: { uri: `cloudreve://my/${folder}/${name}`, type: "file" },
    });
  }
  const dav = await api<{ password: string }>("PUT", "/devices/dav", {
    body: { uri: "cloudreve://my", name: device },
  });
  const basic = Buffer.from(`${owner.email}:${dav.password}`).toString("base64");
  let last = 0;
  for (const name of names) {
    const answer = await request.fetch(`/dav/${folder}/${name}`, {
      method: "DELETE",
      headers: { Authorization: `Basic ${basic}` },
    });
    last = answer.status();
    if (last === 423) break;
  }
  expect(last).toBe(423);
  return { folder, count };
}

/** Screenshots of `url` in Simplified Chinese, desktop and phone, with `target` in view. */
async function shootZh(page: Page, url: string, target: Locator, name: string) {
  await page.evaluate(() => localStorage.setItem("stratus.language", "zh-CN"));
  await page.goto(url);
  await target.scrollIntoViewIfNeeded();
  await snap(page, test.info(), `${name}-zh`);
  await page.setViewportSize({ width: 390, height: 844 });
  await target.scrollIntoViewIfNeeded();
  await snap(page, test.info(), `${name}-zh-phone`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  await page.goto(url);
}

test("incidents in Settings and in the console: release, undo, and the guard's settings", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  // No mail server: the guard's Settings tab says users are not e-mailed.
  await setSiteSettings(request, { guard_burst_files: "5", smtpHost: "" });
  try {
    // The default group may not use WebDAV; the administrators' group may.
    const owner = await newAccount(request, "Ines", 1);
    const api = await apiAs(request, owner);
    await trip(request, owner, "laptop", 10);
    const undone = await trip(request, owner, "tablet", 10);
    const mine = await api<{ incidents: Incident[] }>("GET", "/guard/incident");
    const byName = (name: string) => mine.incidents.find((i) => i.credential.name === name);
    const laptop = byName("laptop");
    const tablet = byName("tablet");
    expect(laptop?.state).toBe("open");
    expect(tablet?.state).toBe("open");

    // The user's settings list both, with the files each changed.
    await page.goto("/session");
    await fillSignIn(page, owner);
    await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
    await page.goto("/settings");
    // The page opens with how many are stopped, linking down to them.
    await expect(page.getByTestId("open-incidents")).toContainText(
      "2 of your devices or apps are stopped",
    );
    await snap(page, info, "settings-open-incidents");
    const section = page.getByRole("region", { name: "Security incidents" });
    const rows = section.getByTestId("incident");
    await expect(rows).toHaveCount(2);
    const laptopRow = rows.filter({ hasText: "laptop" });
    await expect(laptopRow).toContainText("WebDAV account “laptop”");
    await expect(laptopRow).toContainText("Stopped");
    await expect(laptopRow).toContainText("5 deleted · stopped");
    await laptopRow.scrollIntoViewIfNeeded();
    await snapAll(page, info, "settings-incidents");
    await shootZh(
      page,
      "/settings",
      page.getByRole("region", { name: "安全事件" }).getByTestId("incident").first(),
      "settings-incidents",
    );

    await laptopRow
      .getByRole("button", { name: "Files changed by WebDAV account “laptop”" })
      .click();
    const details = page.getByRole("dialog", { name: "What it changed" });
    await expect(details).toContainText("/From-laptop/laptop-0.txt");
    // Five deleted, all listed: nothing more to count.
    await expect(details.getByTestId("incident-more")).toHaveCount(0);
    await snap(page, info, "settings-incident-files");
    await page.keyboard.press("Escape");
    await expect(details).toHaveCount(0);

    // "It was me": the laptop may write again; the tablet stays stopped.
    await laptopRow.getByRole("button", { name: "It was me" }).click();
    await expect(page.getByText("WebDAV account “laptop” may write again")).toBeVisible();
    await expect(laptopRow).toContainText("Released");
    await expect(page.getByTestId("open-incidents")).toContainText(
      "1 of your devices or apps is stopped",
    );
    await expect(laptopRow.getByRole("button", { name: "Undo all" })).toHaveCount(0);
    await expect(
      rows.filter({ hasText: "tablet" }).getByRole("button", { name: "Undo all" }),
    ).toBeVisible();

    // The administrator sees both, filters by state, and undoes the tablet's.
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signInPage(page, ACCOUNTS.admin);
    // The dashboard counts the open incidents and leads to them.
    await page.goto("/admin/dashboard");
    const card = page.getByTestId("incidents-card");
    await expect(card).toContainText(/\d+ open incidents?/);
    await snap(page, info, "admin-dashboard-incidents");
    await card.getByRole("link", { name: "Open the incidents" }).click();
    await expect(page).toHaveURL(/\/admin\/incidents/);
    await expect(page.getByRole("heading", { name: "Incidents", level: 2 })).toBeVisible();
    const table = page.getByRole("table");
    const tabletRow = table.getByRole("row").filter({ hasText: owner.email }).filter({
      hasText: "tablet",
    });
    await expect(tabletRow).toContainText("Stopped");
    await expect(table.getByRole("row").filter({ hasText: owner.email })).toHaveCount(2);
    await snapAll(page, info, "admin-incidents");
    // On a phone the state is in sight without scrolling the table sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const badge = tabletRow.getByText("Stopped");
    await expect(badge).toBeInViewport();
    await page.setViewportSize({ width: 1280, height: 720 });
    await shootZh(
      page,
      "/admin/incidents",
      page.getByRole("table").getByRole("row").filter({ hasText: owner.email }).first(),
      "admin-incidents",
    );

    await page.getByRole("combobox", { name: "State" }).click();
    await page.getByRole("option", { name: "Released" }).click();
    await expect(page).toHaveURL(/state=released/);
    await expect(table.getByRole("row").filter({ hasText: "laptop" })).toHaveCount(1);
    await expect(table.getByRole("row").filter({ hasText: "tablet" })).toHaveCount(0);
    await page.getByRole("combobox", { name: "State" }).click();
    await page.getByRole("option", { name: "Stopped" }).click();
    await expect(tabletRow).toBeVisible();
    await expect(table.getByRole("row").filter({ hasText: "laptop" })).toHaveCount(0);

    await tabletRow.getByRole("button", { name: `Undo incident ${tablet?.id}` }).click();
    const ask = page.getByRole("dialog", { name: "Undo this incident?" });
    await expect(ask).toContainText(owner.email, { ignoreCase: true });
    await snap(page, info, "admin-incident-undo");
    await ask.getByRole("button", { name: "Undo" }).click();
    await expect(ask).toHaveCount(0);
    await expect(page.getByText(/Undo started \(task /)).toBeVisible();
    await expect
      .poll(
        async () =>
          (await api<{ incidents: Incident[] }>("GET", "/guard/incident")).incidents.find(
            (i) => i.id === tablet?.id,
          )?.state,
        { timeout: 60_000 },
      )
      .toBe("undone");
    const back = await api<Listed>("GET", "/file", {
      query: { uri: `cloudreve://my/${undone.folder}` },
    });
    expect(back.files.length).toBe(undone.count);

    // The guard's settings in the console: a bad number is stopped, good ones are saved.
    await page.goto("/admin/settings");
    await page.getByRole("tab", { name: "Guard" }).click();
    await expect(page.getByTestId("guard-notice")).toContainText("Mail is not set up");
    const burst = page.getByLabel("Changes that stop a credential");
    await expect(burst).toHaveValue("5");
    await burst.fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Enter a number from 1 to 1000000.")).toBeVisible();
    await burst.fill("5");
    await page.getByLabel("Time window", { exact: true }).fill("90");
    await page.getByRole("combobox", { name: "Groups never watched" }).click();
    await page.getByRole("option", { name: "Admin", exact: true }).click();
    await page.keyboard.press("Escape");
    await snapAll(page, info, "admin-guard-settings");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Settings saved")).toBeVisible();
    const admin = await apiAs(request, ACCOUNTS.admin);
    const saved = await admin<Record<string, string>>("POST", "/admin/settings", {
      body: { keys: ["guard_burst_seconds", "guard_exempt_groups"] },
    });
    expect(saved).toEqual({ guard_burst_seconds: "90", guard_exempt_groups: "1" });
    await page.reload();
    await page.getByRole("tab", { name: "Guard" }).click();
    await expect(page.getByLabel("Time window", { exact: true })).toHaveValue("90");

    // The group editor says so.
    await page.goto("/admin/groups");
    await page.getByRole("button", { name: "Edit Admin", exact: true }).click();
    await expect(page.getByRole("dialog")).toContainText("leaves this group's members alone");
    await snap(page, info, "admin-group-exempt");
  } finally {
    await setSiteSettings(request, GUARD_DEFAULTS);
  }
});

test("Settings shows the newest 20 incidents and pages back through older ones", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  await setSiteSettings(request, { guard_burst_files: "1" });
  try {
    const owner = await newAccount(request, "Otto", 1);
    const api = await apiAs(request, owner);
    // 21 incidents: each device deletes two files, the second is refused, then released.
    for (let n = 0; n < 21; n++) {
      await trip(request, owner, `device-${n}`, 2);
      const open = await api<{ incidents: Incident[] }>("GET", "/guard/incident", {
        query: { state: "open" },
      });
      for (const incident of open.incidents) {
        await api("POST", `/guard/incident/${incident.id}/release`);
      }
    }
    await signInPage(page, owner);
    await page.goto("/settings");
    const section = page.getByRole("region", { name: "Security incidents" });
    const rows = section.getByTestId("incident");
    await expect(rows).toHaveCount(20);
    await expect(rows.first()).toContainText("device-20");
    const older = section.getByRole("button", { name: "Show older incidents" });
    await older.scrollIntoViewIfNeeded();
    await snap(page, info, "settings-incidents-older");
    await older.click();
    await expect(rows).toHaveCount(21);
    await expect(rows.last()).toContainText("device-0");
    await expect(older).toHaveCount(0);
  } finally {
    await setSiteSettings(request, GUARD_DEFAULTS);
  }
});
