// Settings: each change made through the page, then read back through the API after a reload.
import { expect, test } from "@playwright/test";
import { apiAs, fillSignIn, snap, totp } from "./helpers";
import { expectAccessible, newAccount } from "./site";

type Settings = {
  version_retention_enabled: boolean;
  version_retention_max?: number;
  version_retention_ext?: string[];
  two_fa_enabled: boolean;
};
type Me = { nickname: string; language?: string; preferred_theme?: string; avatar?: string };

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

test("profile, versions and the colour scheme persist", async ({ page, request }, info) => {
  test.setTimeout(180_000);
  const account = await newAccount(request, "settler");
  const api = await apiAs(request, account);
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByTestId("storage-used")).toContainText("used");
  await snap(page, info, "settings");
  await expectAccessible(page, "settings");

  await page.getByRole("textbox", { name: "Display name" }).fill("Settler Sam");
  await page.getByRole("region", { name: "Profile" }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.").first()).toBeVisible();
  await page.getByRole("radio", { name: "Teal" }).click();
  await expect(page.getByRole("radio", { name: "Teal" })).toHaveAttribute("aria-checked", "true");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Upload a picture" }).click();
  await (await chooser).setFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByRole("button", { name: "Use Gravatar instead" })).toBeVisible();
  await page.getByText("Dark", { exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");

  const versions = page.getByRole("region", { name: "File versions" });
  await versions.getByRole("textbox", { name: "Versions kept per file" }).fill("3");
  await versions.getByRole("textbox", { name: "Only for these file types" }).fill("docx, .md");
  await versions.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.").first()).toBeVisible();

  await page.reload();
  await expect(page.getByRole("textbox", { name: "Display name" })).toHaveValue("Settler Sam");
  await expect(page.getByRole("radio", { name: "Teal" })).toHaveAttribute("aria-checked", "true");
  await expect(page.locator("html")).toHaveAttribute("data-mantine-color-scheme", "dark");
  await expect(versions.getByRole("textbox", { name: "Versions kept per file" })).toHaveValue("3");
  await snap(page, info, "settings-dark-teal");
  await expectAccessible(page, "settings, dark");
  const me = await api<Me>("GET", "/user/me");
  expect(me.nickname).toBe("Settler Sam");
  expect(me.preferred_theme).toBe("#12b886");
  expect(me.avatar).toBe("file");
  const settings = await api<Settings>("GET", "/user/setting");
  expect(settings.version_retention_max).toBe(3);
  expect(settings.version_retention_ext).toEqual(["docx", "md"]);

  // Language: the page turns Chinese at once and the account remembers it.
  await page
    .getByRole("region", { name: "Profile" })
    .getByRole("combobox", { name: "Language" })
    .click();
  await page.getByRole("option", { name: "简体中文" }).click();
  await expect(page.getByRole("heading", { name: "设置", level: 1 })).toBeVisible();
  await expect.poll(async () => (await api<Me>("GET", "/user/me")).language).toBe("zh-CN");
  await snap(page, info, "settings-zh-dark");
  const text = (await page.locator("body").textContent()) ?? "";
  expect(text).not.toMatch(/\b(settings|share|account|shell)\.[a-zA-Z]/);
  await page.setViewportSize({ width: 375, height: 740 });
  await snap(page, info, "phone-settings-zh-dark");
});

test("password change, and 2FA turned on with the QR code and off again", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  const account = await newAccount(request, "guard");
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto("/settings");

  const password = page.getByRole("region", { name: "Password" });
  await password.getByRole("textbox", { name: "Current password" }).fill("wrong-password");
  await password.getByRole("textbox", { name: "New password" }).fill("guard-password-2");
  await password.getByRole("textbox", { name: "Repeat the password" }).fill("guard-password-2");
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByRole("alert")).toBeVisible();
  await password.getByRole("textbox", { name: "Current password" }).fill(account.password);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.")).toBeVisible();
  const changed = { ...account, password: "guard-password-2" } as unknown as typeof account;
  const api = await apiAs(request, changed);

  const twoFa = page.getByRole("region", { name: "Two-factor sign-in" });
  await twoFa.getByRole("button", { name: "Turn on" }).click();
  await expect(twoFa.getByRole("img", { name: "QR code for the authenticator app" })).toBeVisible();
  const secret = (await twoFa.getByTestId("totp-secret").textContent()) ?? "";
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  await snap(page, info, "settings-2fa-qr");
  await expectAccessible(page, "2FA enrolment");
  await twoFa.getByRole("textbox", { name: "Authentication code" }).fill(totp(secret));
  await twoFa.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByText("Two-factor sign-in is on.")).toBeVisible();
  expect((await api<Settings>("GET", "/user/setting")).two_fa_enabled).toBe(true);

  await page.reload();
  await twoFa.getByRole("button", { name: "Turn off" }).click();
  // The next step's code: the current one was just spent.
  await twoFa
    .getByRole("textbox", { name: "Authentication code" })
    .fill(totp(secret, Date.now() + 30_000));
  await twoFa.getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await expect(page.getByText("Two-factor sign-in is off.")).toBeVisible();
  expect((await api<Settings>("GET", "/user/setting")).two_fa_enabled).toBe(false);
});

test("WebDAV accounts: create, show the mount commands, edit, delete", async ({
  page,
  request,
}, info) => {
  test.setTimeout(180_000);
  // The default group may not use WebDAV; the administrators' group may.
  const account = await newAccount(request, "mounter", 1);
  const api = await apiAs(request, account);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Photos", type: "folder" } });
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto("/settings");
  const dav = page.getByRole("region", { name: "WebDAV" });
  const origin = new URL(page.url()).origin;
  await expect(dav.getByTestId("dav-url")).toHaveText(`${origin}/dav`);

  await dav.getByRole("button", { name: "Add a WebDAV account" }).click();
  const create = page.getByRole("dialog", { name: "New WebDAV account" });
  await create.getByRole("textbox", { name: "Name" }).fill("laptop");
  await create.getByRole("button", { name: "Photos" }).click();
  await expect(create.getByTestId("dav-folder")).toHaveText("/Photos");
  await create.getByRole("button", { name: "Create" }).click();
  const connect = page.getByRole("dialog", { name: "Connect with “laptop”" });
  const davPassword = await connect.getByTestId("dav-password").inputValue();
  expect(davPassword.length).toBeGreaterThan(8);
  await expect(connect.getByTestId("dav-command-rclone")).toContainText(
    `url=${origin}/dav vendor=other user=${account.email}`,
  );
  await snap(page, info, "settings-dav-connect");
  await expectAccessible(page, "WebDAV connect dialog");
  await connect.getByRole("tab", { name: "Windows" }).click();
  await expect(connect.getByTestId("dav-command-windows")).toHaveText(
    `net use Z: ${origin}/dav /user:${account.email} ${davPassword} /persistent:yes`,
  );
  await connect.getByRole("button", { name: "Copy the command" }).click();
  // Linux: davfs2, GNOME Files' address and an rclone mount, each said in words.
  await connect.getByRole("tab", { name: "Linux" }).click();
  await expect(connect.getByTestId("dav-command-linux-davfs2")).toContainText(
    `sudo mount -t davfs -o uid=$(id -u),gid=$(id -g) ${origin}/dav /mnt/stratus`,
  );
  await expect(connect.getByTestId("dav-command-linux-gnome")).toHaveText(
    `dav://${new URL(origin).host}/dav`,
  );
  await expect(connect.getByTestId("dav-command-linux-rclone")).toContainText(
    "rclone mount stratus: ~/Stratus",
  );
  await expect(connect.getByText(/Connect to Server/)).toBeVisible();
  await snap(page, info, "settings-dav-connect-linux");
  await connect.getByRole("button", { name: "Done" }).click();

  // The password works for WebDAV, inside the account's folder.
  const auth = `Basic ${Buffer.from(`${account.email}:${davPassword}`).toString("base64")}`;
  const propfind = await request.fetch("/dav/", {
    method: "PROPFIND",
    headers: { Authorization: auth, Depth: "0" },
  });
  expect(propfind.status()).toBe(207);

  await dav.getByRole("button", { name: "Edit WebDAV account laptop" }).click();
  const edit = page.getByRole("dialog", { name: "Edit WebDAV account" });
  await edit.getByRole("textbox", { name: "Name" }).fill("old laptop");
  await edit.getByLabel("Read only").check();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(dav.getByRole("row", { name: /old laptop/ })).toContainText("Read only");
  // The folder reads as a path, as the S3 keys show theirs.
  await expect(dav.getByRole("row", { name: /old laptop/ })).toContainText("/Photos");
  await expect(dav.getByRole("row", { name: /old laptop/ })).not.toContainText("cloudreve://");
  type Dav = { accounts: { name: string; uri: string; options: string }[] };
  const [saved] = (await api<Dav>("GET", "/devices/dav", { query: { page_size: "10" } })).accounts;
  expect(saved?.name).toBe("old laptop");
  expect(saved?.uri).toBe("cloudreve://my/Photos");

  await dav.getByRole("button", { name: "Delete WebDAV account old laptop" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(dav.getByText("No WebDAV accounts yet.")).toBeVisible();
  expect((await api<Dav>("GET", "/devices/dav", { query: { page_size: "10" } })).accounts).toEqual(
    [],
  );
});

test("a user's picture is only asked for when there is one", async ({ page, request }, info) => {
  const account = await newAccount(request, "faceless");
  const api = await apiAs(request, account);
  await api("POST", "/file/create", { body: { uri: "cloudreve://my/Handout", type: "folder" } });
  const link = await api<string>("PUT", "/share", { body: { uri: "cloudreve://my/Handout" } });
  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/user/avatar/")) asked.push(r.url());
  });

  // No picture yet: the initial, and no request that would answer 404.
  await page.goto(new URL(link).pathname);
  const landing = page.getByRole("region", { name: "Shared with you" });
  await expect(landing.getByText("F", { exact: true })).toBeVisible();
  await page.goto("/session");
  await fillSignIn(page, account);
  await expect(page).toHaveURL(/\/home/);
  await page.goto("/settings");
  const profile = page.getByRole("region", { name: "Profile" });
  await expect(profile.getByText("F", { exact: true })).toBeVisible();
  await snap(page, info, "settings-no-avatar");
  expect(asked).toEqual([]);

  // With a picture: it is asked for and shown.
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Upload a picture" }).click();
  await (await chooser).setFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
  await expect(profile.getByRole("img", { name: "Your avatar" })).toBeVisible();
  expect(asked.length).toBeGreaterThan(0);
});
