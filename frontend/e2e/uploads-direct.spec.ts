// Uploads that do not go through Stratus: a `remote` policy sends the chunks from the page
// straight to a slave node (started here, the same binary in slave mode); an `s3` policy sends
// them as multipart parts to a bucket (s3s-fs, started here). The file is checked through the
// API byte for byte and where the bytes were stored.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  type APIRequestContext,
  type Browser,
  chromium,
  expect,
  type Page,
  test,
} from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { ACCESS_KEY, BUCKET, type Bucket, SECRET_KEY, startBucket } from "./bucket";
import { type Account, apiAs, fillSignIn, snap } from "./helpers";
import { newAccount, setSiteSettings } from "./site";
import { type Slave, startSlave } from "./slave";
import { driveOf, tempDir } from "./transfers";

const MiB = 1024 * 1024;
let dir: string;
let slave: Slave | undefined;

test.beforeAll(() => {
  dir = tempDir();
});
test.afterAll(async () => {
  await slave?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `mib` MiB where byte i is a function of i, so a chunk out of place shows. */
function patternFile(name: string, mib: number): string {
  const path = join(dir, name);
  const fd = openSync(path, "w");
  try {
    for (let m = 0; m < mib; m++) {
      const block = Buffer.alloc(MiB);
      for (let i = 0; i < MiB; i += 4) block.writeUInt32LE((m * MiB + i) >>> 0, i);
      writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

type Group = Record<string, unknown> & { id: number };
type Admin = Awaited<ReturnType<typeof apiAs>>;

/** A group like the default user group, storing on `policy`, and a new member of it. */
async function memberOf(admin: Admin, request: APIRequestContext, policy: number, name: string) {
  const base = await admin<Group>("GET", "/admin/group/2");
  const group = await admin<Group>("PUT", "/admin/group", {
    body: {
      group: {
        name: `${name} ${Date.now().toString(36)}`,
        max_storage: base.max_storage,
        speed_limit: 0,
        permissions: base.permissions,
        settings: base.settings,
        storage_policy_id: policy,
      },
    },
  });
  return newAccount(request, name.toLowerCase().replace(/\W+/g, "-"), group.id);
}

/** Waits until the uploads ended; fails with the rows' text (their errors) when one failed. */
async function uploadsFinished(page: Page) {
  const total = page.getByTestId("upload-total");
  await expect(total).toHaveText(/Uploads finished|Some uploads failed/, { timeout: 60_000 });
  const rows = await page.getByTestId("upload-row").allInnerTexts();
  expect(await total.textContent(), rows.join("\n")).toBe("Uploads finished");
}

/** Signs `member` in on a new page of `browser`, uploads `path` and waits until it is done. */
async function uploadThroughPage(
  browser: Browser,
  member: Account,
  path: string,
  watch: (page: Page) => void,
) {
  const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
  const page = await context.newPage();
  watch(page);
  await page.goto("/session");
  await fillSignIn(page, member);
  await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });
  await page.getByTestId("upload-input").setInputFiles(path);
  await uploadsFinished(page);
  await expect(page.locator('[data-testid="upload-row"][data-status="done"]')).toHaveCount(1);
  return { page, context };
}

test("a remote policy: the page sends every chunk to the slave node", async ({
  browser,
  request,
}, info) => {
  test.setTimeout(120_000);
  slave = await startSlave();
  const admin = await apiAs(request, ACCOUNTS.admin);
  const stamp = Date.now().toString(36);
  // The master tests a new node by having it ping the site URL back.
  const before = await admin<Record<string, string>>("POST", "/admin/settings", {
    body: { keys: ["siteURL"] },
  });
  await setSiteSettings(request, { siteURL: process.env.STRATUS_E2E_BASE ?? "" });
  try {
    const node = await admin<{ id: number }>("PUT", "/admin/node", {
      body: { node: { name: `node ${stamp}`, server: slave.base, slave_key: slave.secret } },
    });
    const policy = await admin<{ id: number }>("PUT", "/admin/policy", {
      body: {
        policy: {
          name: `On the node ${stamp}`,
          type: "remote",
          node_id: node.id,
          dir_name_rule: "uploads/{uid}/{path}",
          file_name_rule: "{uid}_{randomkey8}_{originname}",
          settings: { chunk_size: 4 * MiB },
        },
      },
    });
    const member = await memberOf(admin, request, policy.id, "Node users");
    const toNode: string[] = [];
    const path = patternFile("node.bin", 12);
    const { page, context } = await uploadThroughPage(browser, member, path, (page) =>
      page.on("request", (r) => {
        if (r.url().startsWith(slave?.base ?? "-") && r.method() === "POST") toNode.push(r.url());
      }),
    );
    await snap(page, info, "uploads-direct-remote-done");
    // Three chunks of 4 MiB, each POSTed by the page to the node.
    expect(toNode).toHaveLength(3);
    expect(toNode.map((u) => new URL(u).searchParams.get("chunk"))).toEqual(["0", "1", "2"]);

    // Canceled while its second chunk is held: the session is deleted on the master, which
    // drops it on the node, so the node keeps only the first file.
    let held: () => void = () => {};
    const second = new Promise<void>((resolve) => {
      held = resolve;
    });
    await page.route(
      (url) => url.href.startsWith(slave?.base ?? "-") && url.searchParams.get("chunk") === "1",
      () => held(),
    );
    await page.getByRole("button", { name: "Clear finished uploads" }).click();
    await page.getByTestId("upload-input").setInputFiles(patternFile("gone.bin", 12));
    await second;
    await page.getByRole("button", { name: "Cancel upload of gone.bin" }).click();
    await expect(page.locator('[data-testid="upload-row"][data-status="canceled"]')).toBeVisible();
    await expect.poll(() => slave?.files().length, { timeout: 20_000 }).toBe(1);
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await context.close();

    const sent = readFileSync(path);
    const drive = await driveOf(request, member);
    expect((await drive.info("cloudreve://my/node.bin")).size).toBe(12 * MiB);
    expect((await drive.read("cloudreve://my/node.bin")).equals(sent)).toBe(true);
    const onNode = slave.files();
    expect(onNode).toHaveLength(1);
    expect(onNode[0]).toMatch(/_node\.bin$/);
    expect(readFileSync(join(slave.uploads, onNode[0] ?? "")).equals(sent)).toBe(true);

    // Someone else gets nothing of it.
    const names = (await drive.list("cloudreve://my")).map((f) => f.name);
    expect(names).toEqual(["node.bin"]);
    // A fresh account: the shared second user has two-factor sign-in on once the explorer
    // spec has run, and an API sign-in then answers 203.
    const other = await driveOf(request, await newAccount(request, "someone-else"));
    const listed = await other.list("cloudreve://my");
    expect(listed.map((f) => f.name)).not.toContain("node.bin");
  } finally {
    await setSiteSettings(request, { siteURL: before.siteURL ?? "" });
  }
});

/** An s3 policy on `bucket`, 5 MiB parts. */
async function bucketPolicy(admin: Admin, bucket: Bucket): Promise<number> {
  const policy = await admin<{ id: number }>("PUT", "/admin/policy", {
    body: {
      policy: {
        name: `Bucket ${Date.now().toString(36)}`,
        type: "s3",
        server: bucket.endpoint,
        bucket_name: BUCKET,
        access_key: ACCESS_KEY,
        secret_key: SECRET_KEY,
        is_private: true,
        dir_name_rule: "uploads/{uid}/{path}",
        file_name_rule: "{uid}_{randomkey8}_{originname}",
        settings: { region: "us-east-1", s3_path_style: true, chunk_size: 5 * MiB },
      },
    },
  });
  return policy.id;
}

/** s3s-fs answers no CORS preflight, so the S3 specs' browser runs without the same-origin
 * checks (--disable-web-security); a real bucket gets CORS rules from the admin console. */
function insecureBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--disable-web-security"],
  });
}

test("an s3 policy: the page sends parts to the bucket, completes and calls back", async ({
  request,
}, info) => {
  test.setTimeout(120_000);
  const bucket = await startBucket();
  const browser = await insecureBrowser();
  try {
    const admin = await apiAs(request, ACCOUNTS.admin);
    const member = await memberOf(
      admin,
      request,
      await bucketPolicy(admin, bucket),
      "Bucket users",
    );
    const toBucket: string[] = [];
    const path = patternFile("straight.bin", 12);
    const { page, context } = await uploadThroughPage(browser, member, path, (page) =>
      page.on("request", (r) => {
        if (r.url().startsWith(bucket.endpoint)) toBucket.push(r.method());
      }),
    );
    await snap(page, info, "uploads-direct-s3-done");
    await context.close();
    // Three parts (5 + 5 + 2 MiB), then the completion.
    expect(toBucket).toEqual(["PUT", "PUT", "PUT", "POST"]);

    const sent = readFileSync(path);
    const drive = await driveOf(request, member);
    expect((await drive.info("cloudreve://my/straight.bin")).size).toBe(12 * MiB);
    expect((await drive.read("cloudreve://my/straight.bin")).equals(sent)).toBe(true);
    const stored = bucket.files().filter((f) => f.endsWith("_straight.bin"));
    expect(stored).toHaveLength(1);
    expect(readFileSync(join(bucket.bucketDir, stored[0] ?? "")).equals(sent)).toBe(true);
  } finally {
    await browser.close();
    await bucket.stop();
  }
});

test("an s3 policy: parts go to the bucket, a reload resumes with the saved ETags", async ({
  request,
}, info) => {
  test.setTimeout(120_000);
  const bucket = await startBucket();
  const browser = await insecureBrowser();
  try {
    const admin = await apiAs(request, ACCOUNTS.admin);
    const member = await memberOf(
      admin,
      request,
      await bucketPolicy(admin, bucket),
      "Bucket users",
    );
    const path = patternFile("bucket.bin", 12);
    const context = await browser.newContext({ baseURL: process.env.STRATUS_E2E_BASE });
    const page = await context.newPage();
    await page.goto("/session");
    await fillSignIn(page, member);
    await expect(page).toHaveURL(/\/home/, { timeout: 30_000 });

    // The third part (of 5 + 5 + 2 MiB) is held, and the page reloaded: the first two parts'
    // ETags are kept with the saved session, so the resumed upload sends only the third part.
    const partOf = (url: URL) =>
      url.href.startsWith(bucket.endpoint) ? url.searchParams.get("partNumber") : null;
    let held: () => void = () => {};
    const third = new Promise<void>((resolve) => {
      held = resolve;
    });
    await page.route(
      (url) => partOf(url) === "3",
      () => held(),
    );
    await page.getByTestId("upload-input").setInputFiles(path);
    await third;
    const saved = await page.evaluate(() =>
      Object.entries(localStorage)
        .filter(([key]) => key.startsWith("stratus.uploads."))
        .flatMap(([, value]) => JSON.parse(value)),
    );
    expect(saved).toMatchObject([{ name: "bucket.bin", nextChunk: 2, target: { kind: "s3" } }]);
    expect(saved[0].target.etags).toHaveLength(2);
    const toBucket: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(bucket.endpoint)) {
        toBucket.push(`${r.method()} ${partOf(new URL(r.url())) ?? "-"}`);
      }
    });
    // Reloaded while the third part is still held: released first, the page's retry of that
    // part went through and finished the upload before the reload.
    await page.reload();
    await page.unrouteAll({ behavior: "ignoreErrors" });
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Resume upload of bucket.bin" }).click();
    await (await chooser).setFiles(path);
    await uploadsFinished(page);
    await snap(page, info, "uploads-direct-s3-resumed");
    await context.close();
    expect(toBucket).toEqual(["PUT 3", "POST -"]);

    const sent = readFileSync(path);
    const drive = await driveOf(request, member);
    expect((await drive.info("cloudreve://my/bucket.bin")).size).toBe(12 * MiB);
    expect((await drive.read("cloudreve://my/bucket.bin")).equals(sent)).toBe(true);
    const stored = bucket.files().filter((f) => f.endsWith("_bucket.bin"));
    expect(stored).toHaveLength(1);
    expect(readFileSync(join(bucket.bucketDir, stored[0] ?? "")).equals(sent)).toBe(true);
  } finally {
    await browser.close();
    await bucket.stop();
  }
});
