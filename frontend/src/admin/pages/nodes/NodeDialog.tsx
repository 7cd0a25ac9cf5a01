// Creating or editing a node. A slave is saved only once the node test passed (the master asks
// the node, signed with its secret, to ping the site back); "Test" runs the same test without
// saving. Refusals are shown as the server said them. The secret is write-only: left empty on
// an edit, the stored one stays; "Generate" makes a random one to give the node as well.
import {
  Alert,
  Button,
  CopyButton,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Switch,
  TextInput,
} from "@mantine/core";
import { IconCheck, IconCopy, IconKey, IconPlugConnected } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/client";
import { errorMessage } from "../../../lib/errors";
import {
  type AdminNode,
  createNode,
  generateSecret,
  type NodeInput,
  testNode,
  updateNode,
} from "./nodesApi";

const MIN_SECRET = 64;

type Outcome = { ok: boolean; text: string } | null;

const verbatim = (e: unknown) => (e instanceof ApiError && e.message ? e.message : errorMessage(e));

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
  const [problems, setProblems] = useState<{ name?: string; server?: string; secret?: string }>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState<"test" | "save" | null>(null);

  function input(): NodeInput | null {
    const found: typeof problems = {};
    if (!name.trim()) found.name = t("admin.nodes.invalid.name");
    if (!master) {
      try {
        const u = new URL(server.trim());
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
      } catch {
        found.server = t("admin.nodes.invalid.server");
      }
      if ((!editing || secret) && secret.length < MIN_SECRET)
        found.secret = t("admin.nodes.invalid.secret", { count: MIN_SECRET });
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return null;
    // The server replaces settings and weight with what it is sent: the stored ones go back.
    const node: NodeInput = {
      id: editing?.id ?? 0,
      name: name.trim(),
      status: active ? "active" : "suspended",
      settings: editing?.settings ?? {},
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
            <Button type="submit" loading={busy === "save"} disabled={busy === "test"}>
              {t(master ? "admin.save" : "admin.nodes.testAndSave")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
