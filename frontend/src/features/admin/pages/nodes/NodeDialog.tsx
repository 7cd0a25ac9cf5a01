// Creating or editing a node. A slave is saved only once the node test passed (the master asks
// the node, signed with its secret, to ping the site back); "Test" runs the same test without
// saving. Refusals are shown as the server said them. The secret is write-only: left empty on
// an edit, the stored one stays; "Generate" makes a random one to give the node as well.
// The master's dialog holds instead its downloader: aria2's JSON-RPC address, secret, download
// folder and extra options (`settings.aria2`, like Cloudreve), with a test that asks aria2 for
// its version with the form's values, unsaved.
import {
  Alert,
  Button,
  Code,
  CopyButton,
  Fieldset,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { IconCheck, IconCopy, IconDownload, IconKey, IconPlugConnected } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import {
  type AdminNode,
  type Aria2Form,
  aria2Form,
  createNode,
  generateSecret,
  type NodeInput,
  parseAria2Options,
  testDownloader,
  testNode,
  updateNode,
  withAria2,
} from "./nodesApi";

const MIN_SECRET = 64;

type Outcome = { ok: boolean; text: string } | null;

const verbatim = (e: unknown) => (e instanceof ApiError && e.message ? e.message : errorMessage(e));

const isHttpUrl = (text: string) => {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
};

type Problems = {
  name?: string;
  server?: string;
  secret?: string;
  aria2Server?: string;
  aria2Options?: string;
};

export function NodeDialog(props: {
  editing?: AdminNode;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const master = editing?.type === "master";
  const [name, setName] = useState(editing?.name ?? "");
  const [server, setServer] = useState(editing?.server ?? "");
  const [secret, setSecret] = useState("");
  const [showSecret, setShowSecret] = useState(false);
  const [active, setActive] = useState((editing?.status ?? "active") === "active");
  const [aria2, setAria2] = useState<Aria2Form>(() => aria2Form(editing?.settings));
  const [showToken, setShowToken] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [downloader, setDownloader] = useState<Outcome>(null);
  const [busy, setBusy] = useState<"test" | "save" | "downloader" | null>(null);

  const setField = (key: keyof Aria2Form, value: string) => {
    setAria2((form) => ({ ...form, [key]: value }));
    const problem = key === "server" ? "aria2Server" : key === "options" ? "aria2Options" : null;
    if (problem) setProblems(({ [problem]: _, ...rest }) => rest);
  };

  /** The settings to send: the stored ones with the form's aria2 (the master's only). */
  function settings(found: Problems, needServer: boolean): unknown {
    if (!master) return editing?.settings ?? {};
    const server = aria2.server.trim();
    if (needServer && !server) found.aria2Server = t("admin.nodes.aria2.invalid.serverMissing");
    else if (server && !isHttpUrl(server))
      found.aria2Server = t("admin.nodes.aria2.invalid.server");
    const parsed = parseAria2Options(aria2.options);
    if ("options" in parsed) return withAria2(editing?.settings, aria2, parsed.options);
    found.aria2Options =
      parsed.error === "json"
        ? t("admin.nodes.aria2.invalid.json", { reason: parsed.reason })
        : t("admin.nodes.aria2.invalid.object");
    return null;
  }

  function input(): NodeInput | null {
    const found: Problems = {};
    if (!name.trim()) found.name = t("admin.nodes.invalid.name");
    if (!master) {
      if (!isHttpUrl(server.trim())) found.server = t("admin.nodes.invalid.server");
      if ((!editing || secret) && secret.length < MIN_SECRET)
        found.secret = t("admin.nodes.invalid.secret", { count: MIN_SECRET });
    }
    const nodeSettings = settings(found, false);
    setProblems(found);
    if (Object.keys(found).length > 0) return null;
    // The server replaces settings and weight with what it is sent: the stored ones go back.
    const node: NodeInput = {
      id: editing?.id ?? 0,
      name: name.trim(),
      status: active ? "active" : "suspended",
      settings: nodeSettings,
      weight: editing?.weight ?? 1,
    };
    if (!master) {
      node.server = server.trim();
      if (secret) node.slave_key = secret;
    }
    return node;
  }

  async function run(what: "test" | "save") {
    setOutcome(null);
    const node = input();
    if (!node) return;
    setBusy(what);
    try {
      if (what === "test") {
        await testNode(node);
        setOutcome({ ok: true, text: t("admin.nodes.testPassed") });
      } else {
        if (editing) await updateNode(editing.id, node);
        else await createNode(node);
        props.onSaved();
        props.onClose();
      }
    } catch (e) {
      setOutcome({ ok: false, text: verbatim(e) });
    } finally {
      setBusy(null);
    }
  }

  /** Asks aria2 for its version with the form's values, unsaved. */
  async function testAria2() {
    setDownloader(null);
    const found: Problems = {};
    const nodeSettings = settings(found, true);
    setProblems(({ aria2Server: _s, aria2Options: _o, ...rest }) => ({ ...rest, ...found }));
    if (Object.keys(found).length > 0 || !editing) return;
    setBusy("downloader");
    try {
      const version = await testDownloader({
        id: editing.id,
        name: name.trim() || editing.name,
        settings: nodeSettings,
      });
      setDownloader({ ok: true, text: t("admin.nodes.aria2.version", { version }) });
    } catch (e) {
      setDownloader({ ok: false, text: verbatim(e) });
    } finally {
      setBusy(null);
    }
  }

  const title = editing
    ? t("admin.nodes.editTitle", { name: editing.name })
    : t("admin.nodes.createTitle");

  return (
    <Modal opened onClose={props.onClose} title={title} size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run("save");
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t("admin.nodes.name")}
            required
            value={name}
            error={problems.name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          {master && (
            <Fieldset legend={t("admin.nodes.aria2.title")}>
              <Stack gap="sm">
                <Text size="sm" c="dimmed">
                  {t("admin.nodes.aria2.hint")} <Code>--enable-rpc --rpc-secret=…</Code>
                </Text>
                <TextInput
                  label={t("admin.nodes.aria2.server")}
                  description={t("admin.nodes.aria2.serverHint")}
                  placeholder="http://127.0.0.1:6800/jsonrpc"
                  value={aria2.server}
                  error={problems.aria2Server}
                  onChange={(e) => setField("server", e.currentTarget.value)}
                />
                <PasswordInput
                  label={t("admin.nodes.aria2.token")}
                  description={t("admin.nodes.aria2.tokenHint")}
                  autoComplete="new-password"
                  value={aria2.token}
                  visible={showToken}
                  onVisibilityChange={setShowToken}
                  onChange={(e) => setField("token", e.currentTarget.value)}
                />
                <TextInput
                  label={t("admin.nodes.aria2.tempPath")}
                  description={t("admin.nodes.aria2.tempPathHint")}
                  placeholder="/var/lib/aria2/downloads"
                  value={aria2.tempPath}
                  onChange={(e) => setField("tempPath", e.currentTarget.value)}
                />
                <Textarea
                  label={t("admin.nodes.aria2.options")}
                  description={t("admin.nodes.aria2.optionsHint")}
                  placeholder={'{"max-connection-per-server": "4"}'}
                  autosize
                  minRows={2}
                  maxRows={10}
                  spellCheck={false}
                  styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                  value={aria2.options}
                  error={problems.aria2Options}
                  onChange={(e) => setField("options", e.currentTarget.value)}
                />
                <Group>
                  <Button
                    variant="light"
                    leftSection={<IconDownload size={16} />}
                    loading={busy === "downloader"}
                    disabled={busy === "save"}
                    onClick={() => void testAria2()}
                  >
                    {t("admin.nodes.aria2.test")}
                  </Button>
                </Group>
                {downloader && (
                  <Alert
                    color={downloader.ok ? "green" : "red"}
                    role={downloader.ok ? "status" : "alert"}
                    title={downloader.ok ? undefined : t("admin.nodes.refused")}
                    style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
                    data-testid="downloader-outcome"
                  >
                    {downloader.text}
                  </Alert>
                )}
              </Stack>
            </Fieldset>
          )}
          {!master && (
            <>
              <TextInput
                label={t("admin.nodes.server")}
                description={t("admin.nodes.serverHint")}
                placeholder="https://node1.example.com"
                required
                value={server}
                error={problems.server}
                onChange={(e) => setServer(e.currentTarget.value)}
              />
              <PasswordInput
                label={t("admin.nodes.secret")}
                description={editing ? t("admin.nodes.secretKeep") : t("admin.nodes.secretHint")}
                required={!editing}
                autoComplete="new-password"
                value={secret}
                visible={showSecret}
                onVisibilityChange={setShowSecret}
                error={problems.secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
              />
              <Group gap="xs">
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconKey size={14} />}
                  onClick={() => {
                    setSecret(generateSecret());
                    setShowSecret(true);
                    setProblems(({ secret: _, ...rest }) => rest);
                  }}
                >
                  {t("admin.nodes.generate")}
                </Button>
                {secret && (
                  <CopyButton value={secret}>
                    {({ copied, copy }) => (
                      <Button
                        variant="default"
                        size="xs"
                        leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                        onClick={copy}
                      >
                        {t(copied ? "admin.nodes.copied" : "admin.nodes.copy")}
                      </Button>
                    )}
                  </CopyButton>
                )}
              </Group>
              <Switch
                label={t("admin.nodes.activeLabel")}
                description={t("admin.nodes.activeHint")}
                checked={active}
                onChange={(e) => setActive(e.currentTarget.checked)}
              />
            </>
          )}
          {outcome && (
            <Alert
              color={outcome.ok ? "green" : "red"}
              role={outcome.ok ? "status" : "alert"}
              title={outcome.ok ? undefined : t("admin.nodes.refused")}
              style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}
            >
              {outcome.text}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t("common.cancel")}
            </Button>
            {!master && (
              <Button
                variant="light"
                leftSection={<IconPlugConnected size={16} />}
                loading={busy === "test"}
                disabled={busy === "save"}
                onClick={() => void run("test")}
              >
                {t("admin.nodes.test")}
              </Button>
            )}
            <Button
              type="submit"
              loading={busy === "save"}
              disabled={busy === "test" || busy === "downloader"}
            >
              {t(master ? "admin.save" : "admin.nodes.testAndSave")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
