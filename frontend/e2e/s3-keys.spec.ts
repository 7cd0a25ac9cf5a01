// S3 keys in the settings: made through the page (the secret and endpoint shown once with copy
// buttons), listed without the secret and with the endpoint, deleted; each step read back through the API.
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snap, snapAll } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Key = { id: string; access_key_id: string; name: string; secret_access_key?: string };

test("an S3 key is made, shown once, listed and deleted", async ({ page, request }, info) => {
  test.setTimeout(120_000);
  // The administrators' group may have S3 keys.
  const account = await newAccount(request, "s3user", 1);
  const api = await apiAs(request, account);
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "S3 keys" });
  await expect(section.getByText("No S3 keys yet.")).toBeVisible();

  await section.getByRole("button", { name: "Add an S3 key" }).click();
  const dialog = page.getByRole("dialog", { name: "New S3 key" });
  await dialog.getByRole("textbox", { name: "Name" }).fill("laptop backup");
  await dialog.getByRole("checkbox", { name: /Read only/ }).check();
  await dialog.getByRole("button", { name: "Create" }).click();

  const made = page.getByRole("dialog", { name: "Your new S3 key" });
  await expect(made.getByText("Copy the secret key now")).toBeVisible();
  const values = made.getByTestId("s3-made-value");
  await expect(values).toHaveCount(3);
  await expect(values.nth(0)).toHaveText(/^http:\/\/.+:\d+$/);
  await expect(values.nth(1)).toHaveText(/^[A-Z0-9]{20}$/);
  await expect(values.nth(2)).toHaveText(/^[A-Za-z0-9]{40}$/);
  await expect(made.getByRole("button", { name: "Copy the Secret key" })).toBeVisible();
  const access = (await values.nth(1).textContent()) ?? "";
  const endpoint = (await values.nth(0).textContent()) ?? "";
  await snap(page, info, "s3-key-made");
  await expectAccessible(page, "the new S3 key");
  await made.getByRole("button", { name: "Done" }).click();

  const table = section.getByTestId("s3-keys");
  await expect(table.getByText(access)).toBeVisible();
  await expect(table.getByText("laptop backup")).toBeVisible();
  await expect(table.getByText("Read only")).toBeVisible();
  // The endpoint stays on the page for setting up the next app.
  await expect(section.getByTestId("s3-endpoint")).toHaveText(endpoint);
  await table.scrollIntoViewIfNeeded();
  await snapAll(page, info, "s3-keys-listed");
  // The table itself at phone width (the shots above show the top of the section there).
  await page.setViewportSize({ width: 390, height: 844 });
  await table.scrollIntoViewIfNeeded();
  await snap(page, info, "s3-keys-table-phone");
  await page.setViewportSize({ width: 1280, height: 720 });
  const keys = await api<Key[]>("GET", "/devices/s3");
  expect(keys.map((k) => [k.access_key_id, k.name])).toEqual([[access, "laptop backup"]]);
  expect(keys[0]?.secret_access_key).toBeUndefined();

  await table.getByRole("button", { name: "Delete S3 key laptop backup" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(section.getByText("No S3 keys yet.")).toBeVisible();
  expect(await api<Key[]>("GET", "/devices/s3")).toEqual([]);
});
