// The node dialog's state: the fields, their problems, and the test, save and downloader test.
// A slave is saved only once the node test passed; refusals are kept as the server said them.
// The secret is write-only: left empty on an edit, the stored one stays.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import {
  type AdminNode,
  type Aria2Form,
  aria2Form,
  createNode,
  type NodeInput,
  parseAria2Options,
  testDownloader,
  testNode,
  updateNode,
  withAria2,
} from "./nodesApi";

export const MIN_SECRET = 64;

export type Outcome = { ok: boolean; text: string } | null;

export type Busy = "test" | "save" | "downloader" | null;

export type Problems = {
  name?: string;
  server?: string;
  secret?: string;
  aria2Server?: string;
  aria2Options?: string;
};

const verbatim = (e: unknown) => (e instanceof ApiError && e.message ? e.message : errorMessage(e));

const isHttpUrl = (text: string) => {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
};

type Fields = ReturnType<typeof useNodeFields>;

function useNodeFields(editing?: AdminNode) {
  const [name, setName] = useState(editing?.name ?? "");
  const [server, setServer] = useState(editing?.server ?? "");
  const [secret, setSecret] = useState("");
  const [active, setActive] = useState((editing?.status ?? "active") === "active");
  const [aria2, setAria2] = useState<Aria2Form>(() => aria2Form(editing?.settings));
  const [problems, setProblems] = useState<Problems>({});
  return {
    name,
    setName,
    server,
    setServer,
    secret,
    setSecret,
    active,
    setActive,
    aria2,
    setAria2,
    problems,
    setProblems,
  };
}

/** The settings to send: the stored ones with the form's aria2 (the master's only). */
function useSettings(f: Fields, editing?: AdminNode) {
  const { t } = useTranslation();
  const master = editing?.type === "master";
  return (found: Problems, needServer: boolean): unknown => {
    if (!master) return editing?.settings ?? {};
    const server = f.aria2.server.trim();
    if (needServer && !server) found.aria2Server = t("admin.nodes.aria2.invalid.serverMissing");
    else if (server && !isHttpUrl(server))
      found.aria2Server = t("admin.nodes.aria2.invalid.server");
    const parsed = parseAria2Options(f.aria2.options);
    if ("options" in parsed) return withAria2(editing?.settings, f.aria2, parsed.options);
    found.aria2Options =
      parsed.error === "json"
        ? t("admin.nodes.aria2.invalid.json", { reason: parsed.reason })
        : t("admin.nodes.aria2.invalid.object");
    return null;
  };
}

/** The node to send, or null (with the problems shown) when a field is wrong. */
function useInput(f: Fields, editing?: AdminNode) {
  const { t } = useTranslation();
  const master = editing?.type === "master";
  const settings = useSettings(f, editing);
  const input = (): NodeInput | null => {
    const found: Problems = {};
    if (!f.name.trim()) found.name = t("admin.nodes.invalid.name");
    if (!master) {
      if (!isHttpUrl(f.server.trim())) found.server = t("admin.nodes.invalid.server");
      if ((!editing || f.secret) && f.secret.length < MIN_SECRET)
        found.secret = t("admin.nodes.invalid.secret", { count: MIN_SECRET });
    }
    const nodeSettings = settings(found, false);
    f.setProblems(found);
    if (Object.keys(found).length > 0) return null;
    // The server replaces settings and weight with what it is sent: the stored ones go back.
    const node: NodeInput = {
      id: editing?.id ?? 0,
      name: f.name.trim(),
      status: f.active ? "active" : "suspended",
      settings: nodeSettings,
      weight: editing?.weight ?? 1,
    };
    if (!master) {
      node.server = f.server.trim();
      if (f.secret) node.slave_key = f.secret;
    }
    return node;
  };
  return { input, settings };
}

export function useNodeForm(props: {
  editing?: AdminNode;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const f = useNodeFields(editing);
  const { input, settings } = useInput(f, editing);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [downloader, setDownloader] = useState<Outcome>(null);
  const [busy, setBusy] = useState<Busy>(null);

  const setField = (key: keyof Aria2Form, value: string) => {
    f.setAria2((form) => ({ ...form, [key]: value }));
    const problem = key === "server" ? "aria2Server" : key === "options" ? "aria2Options" : null;
    if (problem) f.setProblems(({ [problem]: _, ...rest }) => rest);
  };

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
    f.setProblems(({ aria2Server: _s, aria2Options: _o, ...rest }) => ({ ...rest, ...found }));
    if (Object.keys(found).length > 0 || !editing) return;
    setBusy("downloader");
    try {
      const version = await testDownloader({
        id: editing.id,
        name: f.name.trim() || editing.name,
        settings: nodeSettings,
      });
      setDownloader({ ok: true, text: t("admin.nodes.aria2.version", { version }) });
    } catch (e) {
      setDownloader({ ok: false, text: verbatim(e) });
    } finally {
      setBusy(null);
    }
  }

  return { ...f, setField, outcome, downloader, busy, run, testAria2 };
}

export type NodeForm = ReturnType<typeof useNodeForm>;
