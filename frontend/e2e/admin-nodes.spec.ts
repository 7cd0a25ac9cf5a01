// Slave nodes in the admin console against a real slave (`stratus serve --mode slave` on its
// own data dir and loopback port): a node with a wrong secret shows the server's refusal and is
// not saved; with the node's secret the test passes and the node is saved; a remote policy is
// made on it in the wizard; deleting the node is refused while the policy uses it, with the
// reason. The master row offers no delete. Screenshots in light, dark, zh-CN and at 1024 px.
// The master's dialog holds the downloader (aria2) settings, tested against a real aria2c.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { openAdmin, unique } from "./admin-helpers";
import { apiAs, snap } from "./helpers";
import { expectAccessible, setSiteSettings } from "./site";

type Node = {
  id: number;
  name: string;
  type: string;
  server: string;
  status: string;
  settings: Record<string, unknown> | null;
  weight: number;
};
type Policy = { id: number; name: string; type: string; node_id?: number };

const SECRET = randomBytes(48).toString("hex"); // 96 characters
let slave: ChildProcess;
let slaveDir: string;
let slaveBase: string;

function stratusBinary(): string {
  if (process.env.STRATUS_BIN) return process.env.STRATUS_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(import.meta.dirname, "../../target");
  return join(target, "debug", "stratus");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error()),
      );
    });
  });
}

test.beforeAll(async ({ request }) => {
  slaveDir = mkdtempSync(join(tmpdir(), "stratus-e2e-slave-"));
  const port = await freePort();
  slaveBase = `http://127.0.0.1:${port}`;
  slave = spawn(stratusBinary(), ["serve", "--mode", "slave", "--listen", `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      STRATUS_DATA_DIR: slaveDir,
      STRATUS_SLAVE_SECRET: SECRET,
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (slave.exitCode !== null) throw new Error(`the slave exited with ${slave.exitCode}`);
    const up = await fetch(`${slaveBase}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error("the slave did not answer within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  // The node test has the node ping the site back.
  await setSiteSettings(request, { siteURL: process.env.STRATUS_E2E_BASE ?? "" });
});

test.afterAll(async () => {
  slave?.kill("SIGTERM");
  await new Promise((r) => (slave.exitCode !== null ? r(null) : slave.once("exit", r)));
  rmSync(slaveDir, { recursive: true, force: true });
});

async function fillNode(page: Page, name: string, secret: string) {
  const dialog = page.getByRole("dialog", { name: "New slave node" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.getByRole("textbox", { name: "Server URL" }).fill(slaveBase);
  await dialog.getByLabel("Node secret").fill(secret);
  return dialog;
}

test("a node is saved only once its test passes, carries a remote policy and is then kept", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  const admin = await apiAs(request, ACCOUNTS.admin);
  const nodeName = unique("Node");
  const policyName = unique("On the node");
  await page.setViewportSize({ width: 1280, height: 900 });
  await openAdmin(page, "nodes");

  // The master is listed and cannot be deleted.
  const masterRow = page.getByRole("row").filter({ hasText: "Master" });
  await expect(masterRow).toContainText("This server");
  await expect(masterRow.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await expectAccessible(page, "nodes page");

  // A wrong secret: the server's refusal, and nothing saved.
  await page.getByRole("button", { name: "New node" }).click();
  let dialog = await fillNode(page, nodeName, "x");
  await dialog.getByRole("button", { name: "Generate a secret" }).click();
  const secretField = dialog.getByLabel("Node secret");
  await expect(secretField).not.toHaveValue("x");
  const generated = await secretField.inputValue();
  expect(generated.length).toBeGreaterThanOrEqual(64);
  expect(generated).not.toBe(SECRET);
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  const refusal = dialog.getByRole("alert");
  await expect(refusal).toContainText("failed to connect to the node");
  await expectAccessible(page, "node dialog with a refusal");
  await snap(page, info, "node-dialog-refused");
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(refusal).toContainText("failed to connect to the node");
  await expect(dialog).toBeVisible();
  const before = await admin<{ nodes: Node[] }>("POST", "/admin/node", {
    body: { page: 1, page_size: 100 },
  });
  expect(before.nodes.map((n) => n.name)).not.toContain(nodeName);

  // The node's own secret: the test passes, then it is saved.
  await dialog.getByLabel("Node secret").fill(SECRET);
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByRole("status")).toContainText("reached this site back");
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: nodeName });
  await expect(row).toContainText("Slave");
  await expect(row).toContainText(slaveBase);
  await expect(row).toContainText("Active");
  const nodes = await admin<{ nodes: Node[] }>("POST", "/admin/node", {
    body: { page: 1, page_size: 100 },
  });
  const node = nodes.nodes.find((n) => n.name === nodeName);
  expect(node?.type).toBe("slave");
  await snap(page, info, "nodes-light");

  // An edit that leaves the secret empty keeps the stored one: the test passes again.
  await page.getByRole("button", { name: `Edit ${nodeName}` }).click();
  dialog = page.getByRole("dialog", { name: `Edit ${nodeName}` });
  await expect(dialog.getByLabel("Node secret")).toHaveValue("");
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(dialog).toBeHidden();

  // A remote policy on the node, made in the wizard.
  await page.goto("/admin/policies");
  await page.getByRole("button", { name: "New policy" }).click();
  dialog = page.getByRole("dialog", { name: "New storage policy" });
  await dialog.getByText("Remote node", { exact: true }).click();
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(policyName);
  await expect(dialog.getByLabel("Folder rule")).toHaveValue("uploads/{uid}/{path}");
  await dialog.getByRole("combobox", { name: "Node" }).click();
  await page.getByRole("option", { name: new RegExp(nodeName) }).click();
  await expectAccessible(page, "remote policy form");
  await snap(page, info, "policy-remote-light");
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(dialog).toBeHidden();
  const policyRow = page.getByRole("row").filter({ hasText: policyName });
  await expect(policyRow).toContainText("Remote node");
  await expect(policyRow).toContainText(nodeName);
  const policies = await admin<{ policies: Policy[] }>("POST", "/admin/policy", {
    body: { page: 1, page_size: 100 },
  });
  const policy = policies.policies.find((p) => p.name === policyName);
  expect(policy?.type).toBe("remote");
  expect(policy?.node_id).toBe(node?.id);

  // Deleting the node is refused while the policy uses it, and says so.
  await page.goto("/admin/nodes");
  await page.getByRole("button", { name: `Delete ${nodeName}` }).click();
  dialog = page.getByRole("dialog", { name: `Delete ${nodeName}?` });
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByRole("alert")).toContainText("A storage policy still uses this node");
  await expect(dialog.getByRole("alert")).toContainText(policyName);
  await snap(page, info, "node-delete-refused");
  await page.keyboard.press("Escape");
  const after = await admin<Node>("GET", `/admin/node/${node?.id}`);
  expect(after.name).toBe(nodeName);

  // An OSS policy on a loopback address (OSS addresses buckets by host name, which an IP
  // address cannot carry): the server's refusal, in its words, and nothing saved.
  const ossName = unique("OSS");
  await page.goto("/admin/policies");
  await page.getByRole("button", { name: "New policy" }).click();
  dialog = page.getByRole("dialog", { name: "New storage policy" });
  await dialog.getByText("Alibaba OSS", { exact: true }).click();
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(ossName);
  await dialog.getByRole("textbox", { name: "Endpoint", exact: true }).fill(slaveBase);
  await dialog.getByRole("textbox", { name: "Internal endpoint" }).fill(slaveBase);
  await dialog.getByRole("textbox", { name: "Bucket" }).fill("photos");
  await dialog.getByRole("textbox", { name: "Access key" }).fill("LTAIexample");
  await dialog.getByLabel("Secret key").fill("not-a-real-secret");
  await dialog.getByRole("switch", { name: "Custom domain (CNAME)" }).check();
  await expectAccessible(page, "oss policy form");
  await dialog.getByRole("button", { name: "Test and save" }).click();
  await expect(dialog.getByRole("alert")).toContainText('S3 settings of bucket "photos"');
  await snap(page, info, "policy-oss-refused");
  await page.keyboard.press("Escape");
  const withOss = await admin<{ policies: Policy[] }>("POST", "/admin/policy", {
    body: { page: 1, page_size: 100 },
  });
  expect(withOss.policies.map((p) => p.name)).not.toContain(ossName);

  await shootVariants(page, info);

  // Leave nothing behind for the other specs.
  await admin("DELETE", `/admin/policy/${policy?.id}`);
  await admin("DELETE", `/admin/node/${node?.id}`);
});

/** aria2c with JSON-RPC on a free loopback port and its own download folder; `stop` ends it. */
async function startAria2(secret: string) {
  const dir = mkdtempSync(join(tmpdir(), "stratus-e2e-aria2-"));
  const port = await freePort();
  const btPort = await freePort();
  const rpc = `http://127.0.0.1:${port}/jsonrpc`;
  const child = spawn(
    "/usr/bin/aria2c",
    [
      "--enable-rpc",
      "--rpc-listen-all=false",
      `--rpc-listen-port=${port}`,
      `--rpc-secret=${secret}`,
      `--dir=${dir}`,
      "--no-conf=true",
      `--listen-port=${btPort}`,
      "--enable-dht=false",
      "--enable-dht6=false",
      "--bt-enable-lpd=false",
      "--quiet=true",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`aria2c exited with ${child.exitCode}`);
    }
    const version = await fetch(rpc, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "e2e",
        method: "aria2.getVersion",
        params: [`token:${secret}`],
      }),
    }).then(
      async (r) =>
        r.ok ? ((await r.json()) as { result: { version: string } }).result.version : "",
      () => "",
    );
    if (version) return { rpc, dir, version, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error("aria2c did not answer within 30 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("the master's downloader (aria2) is tested with the form's values, saved and kept", async ({
  page,
  request,
}, info) => {
  test.setTimeout(120_000);
  const admin = await apiAs(request, ACCOUNTS.admin);
  const listed = await admin<{ nodes: Node[] }>("POST", "/admin/node", {
    body: { page: 1, page_size: 100 },
  });
  const masterId = listed.nodes.find((n) => n.type === "master")?.id;
  expect(masterId).toBeDefined();
  const original = await admin<Node>("GET", `/admin/node/${masterId}`);
  const putMaster = (settings: unknown) =>
    admin("PUT", `/admin/node/${masterId}`, {
      body: { node: { ...original, settings } },
    });
  // A key the dialog does not edit, which saving must keep.
  await putMaster({ ...(original.settings ?? {}), e2e_kept: "yes" });

  const token = randomBytes(16).toString("hex");
  const aria2 = await startAria2(token);
  let slaveNodeId: number | undefined;
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await openAdmin(page, "nodes");
    await page.getByRole("button", { name: `Edit ${original.name}` }).click();
    let dialog = page.getByRole("dialog", { name: `Edit ${original.name}` });
    let section = dialog.getByRole("group", { name: "Downloader (aria2)" });
    await expect(section).toContainText("--enable-rpc --rpc-secret=");
    await expect(section).toContainText("torrents and magnet links");

    // Extra options must be a JSON object: said inline, and nothing is asked.
    const options = section.getByRole("textbox", { name: "Extra options (JSON)" });
    await section.getByRole("textbox", { name: "RPC URL" }).fill(aria2.rpc);
    await options.fill('["split", "4"]');
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section).toContainText("The options must be a JSON object");
    await options.fill('{"split": 4');
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section).toContainText("Not valid JSON");
    await options.fill('{"max-connection-per-server": "4"}');

    // A wrong secret: aria2's refusal as the server said it.
    const secret = section.getByLabel("RPC secret");
    await secret.fill("not-the-secret");
    await section.getByRole("textbox", { name: "Download folder" }).fill(aria2.dir);
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section.getByRole("alert")).toContainText("aria2 refused the RPC secret");
    await expect(section).not.toContainText("must be a JSON object");
    await snap(page, info, "node-dialog-master-refused");

    // The right secret: aria2's version.
    await secret.fill(token);
    await section.getByRole("button", { name: "Toggle password visibility" }).click();
    await expect(secret).toHaveAttribute("type", "text");
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section.getByRole("status")).toHaveText(`aria2 ${aria2.version}`);
    await expect(section.getByRole("alert")).toHaveCount(0);
    await page.mouse.move(0, 0); // axe would measure the hovered button's colours
    await expectAccessible(page, "master node dialog");
    await snap(page, info, "node-dialog-master-light");
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await expect(dialog).toBeHidden();

    // Saved as Cloudreve keeps it, beside the other keys; the secret is never shown.
    const saved = await admin<Node>("GET", `/admin/node/${masterId}`);
    expect(saved.settings).toMatchObject({
      e2e_kept: "yes",
      provider: "aria2",
      aria2: {
        server: aria2.rpc,
        temp_path: aria2.dir,
        options: { "max-connection-per-server": "4" },
      },
    });
    expect(JSON.stringify(saved)).not.toContain(token);
    expect(saved.name).toBe(original.name);
    expect(saved.status).toBe(original.status);

    // Kept after a reload; the secret is write-only, so its field is empty.
    await page.reload();
    await page.getByRole("button", { name: `Edit ${original.name}` }).click();
    dialog = page.getByRole("dialog", { name: `Edit ${original.name}` });
    section = dialog.getByRole("group", { name: "Downloader (aria2)" });
    await expect(section.getByRole("textbox", { name: "RPC URL" })).toHaveValue(aria2.rpc);
    await expect(section.getByLabel("RPC secret")).toHaveValue("");
    await expect(section.getByLabel("RPC secret")).toHaveAttribute("type", "password");
    await expect(section.getByRole("textbox", { name: "Download folder" })).toHaveValue(aria2.dir);
    await expect(section.getByRole("textbox", { name: "Extra options (JSON)" })).toHaveValue(
      '{\n  "max-connection-per-server": "4"\n}',
    );
    // The stored settings pass the test too: the empty secret means the stored one.
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section.getByRole("status")).toHaveText(`aria2 ${aria2.version}`);
    // Saving without retyping the secret keeps it.
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: `Edit ${original.name}` }).click();
    dialog = page.getByRole("dialog", { name: `Edit ${original.name}` });
    section = dialog.getByRole("group", { name: "Downloader (aria2)" });
    await section.getByRole("button", { name: "Test downloader" }).click();
    await expect(section.getByRole("status")).toHaveText(`aria2 ${aria2.version}`);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    // A slave node's dialog has no downloader.
    const slaveName = unique("Node");
    const made = await admin<Node>("PUT", "/admin/node", {
      body: { node: { name: slaveName, server: slaveBase, slave_key: SECRET, status: "active" } },
    });
    slaveNodeId = made.id;
    await page.reload();
    await page.getByRole("button", { name: `Edit ${slaveName}` }).click();
    dialog = page.getByRole("dialog", { name: `Edit ${slaveName}` });
    await expect(dialog.getByLabel("Node secret")).toBeVisible();
    await expect(dialog.getByText("Downloader (aria2)")).toHaveCount(0);
    await expect(dialog.getByRole("button", { name: "Test downloader" })).toHaveCount(0);
    await page.keyboard.press("Escape");

    // Dark and zh-CN.
    await page.emulateMedia({ colorScheme: "dark" });
    await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
    await page.reload();
    await page.getByRole("button", { name: `Edit ${original.name}` }).click();
    dialog = page.getByRole("dialog", { name: `Edit ${original.name}` });
    await dialog.getByRole("button", { name: "Test downloader" }).click();
    await expect(dialog.getByRole("status")).toHaveText(`aria2 ${aria2.version}`);
    await page.mouse.move(0, 0);
    await expectAccessible(page, "master node dialog, dark");
    await snap(page, info, "node-dialog-master-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.evaluate(() => {
      localStorage.setItem("mantine-color-scheme-value", "light");
      localStorage.setItem("stratus.language", "zh-CN");
    });
    await page.reload();
    await page.getByRole("button", { name: `编辑 ${original.name}` }).click();
    dialog = page.getByRole("dialog", { name: `编辑 ${original.name}` });
    section = dialog.getByRole("group", { name: "下载器（aria2）" });
    await section.getByLabel("RPC 密钥").fill("wrong");
    await section.getByRole("button", { name: "测试下载器" }).click();
    await expect(section.getByRole("alert")).toContainText("aria2 refused the RPC secret");
    await snap(page, info, "node-dialog-master-zh");
    await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  } finally {
    await aria2.stop();
    await putMaster(original.settings ?? {});
    if (slaveNodeId !== undefined) await admin("DELETE", `/admin/node/${slaveNodeId}`);
  }
});

async function shootNodes(page: Page, info: TestInfo, variant: string) {
  await page.goto("/admin/nodes");
  await expect(page.getByRole("table")).toBeVisible();
  await snap(page, info, `nodes-${variant}`);
  await page.locator("tbody tr").nth(1).getByRole("button").first().click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await snap(page, info, `node-dialog-${variant}`);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
}

async function shootVariants(page: Page, info: TestInfo) {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => localStorage.setItem("mantine-color-scheme-value", "dark"));
  await shootNodes(page, info, "dark");
  await expectAccessible(page, "nodes page, dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.evaluate(() => {
    localStorage.setItem("mantine-color-scheme-value", "light");
    localStorage.setItem("stratus.language", "zh-CN");
  });
  await page.goto("/admin/nodes");
  await expect(page.getByRole("heading", { name: "节点", exact: true })).toBeVisible();
  await shootNodes(page, info, "zh");
  for (const text of ["Nodes", "New node", "Master", "Slave", "This server"]) {
    await expect(page.getByText(text, { exact: true })).toHaveCount(0);
  }
  await page.evaluate(() => localStorage.setItem("stratus.language", "en-US"));
  await page.setViewportSize({ width: 1024, height: 768 });
  await shootNodes(page, info, "1024");
}
