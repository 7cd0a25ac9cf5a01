// Creating or editing a notification channel: e-mail to a few addresses, or a webhook (its
// URL, and a secret that signs each body; never shown again, kept when left empty on an edit),
// and the events it takes. "Send a test" delivers a test event through the channel as it stands
// in the form and shows the delivery's error word for word. A new webhook needs its secret
// before it can be tested or saved; a refusal of the channel's fields is titled as such, not as
// a failed delivery.
import {
  Checkbox,
  Modal,
  PasswordInput,
  SegmentedControl,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from "@mantine/core";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { OutcomeAlert, TestSaveButtons, useTestAndSave } from "../../list/TestAndSave";
import {
  type Channel,
  type ChannelInput,
  createChannel,
  DEFAULT_EVENTS,
  EVENTS,
  parseAddresses,
  testPendingChannel,
  updateChannel,
} from "./channelsApi";

type Form = {
  type: "email" | "webhook";
  name: string;
  to: string;
  url: string;
  secret: string;
  events: string[];
  enabled: boolean;
};

function initialForm(c?: Channel): Form {
  const s = (c?.settings ?? {}) as { to?: unknown; url?: unknown };
  return {
    type: c?.type === "webhook" ? "webhook" : "email",
    name: c?.name ?? "",
    to: Array.isArray(s.to) ? s.to.join("\n") : "",
    url: typeof s.url === "string" ? s.url : "",
    secret: "",
    events: c?.events ?? [...DEFAULT_EVENTS],
    enabled: c?.enabled ?? true,
  };
}

function toInput(f: Form, id?: number): ChannelInput {
  const settings =
    f.type === "email"
      ? { to: parseAddresses(f.to) }
      : { url: f.url.trim(), ...(f.secret ? { secret: f.secret } : {}) };
  return { id, name: f.name.trim(), type: f.type, settings, events: f.events, enabled: f.enabled };
}

/** Whether the form can be tested or saved: a new webhook needs its secret. */
function isReady(f: Form, editing: boolean): boolean {
  if (f.name.trim() === "") return false;
  if (f.type === "email") return parseAddresses(f.to).length > 0;
  return f.url.trim() !== "" && (editing || f.secret.trim() !== "");
}

export function ChannelDialog(props: {
  editing?: Channel;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { editing } = props;
  const [form, setForm] = useState<Form>(() => initialForm(editing));
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const ready = isReady(form, !!editing);
  const { busy, outcome, act } = useTestAndSave({
    test: async () => {
      await testPendingChannel(toInput(form, editing?.id));
      return t("admin.notify.testSent");
    },
    save: () =>
      editing ? updateChannel(editing.id, toInput(form, editing.id)) : createChannel(toInput(form)),
    onSaved: props.onSaved,
    onClose: props.onClose,
  });

  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={
        editing
          ? t("admin.notify.editTitle", { name: editing.name })
          : t("admin.notify.createTitle")
      }
    >
      <Stack gap="sm">
        <SegmentedControl
          fullWidth
          aria-label={t("admin.notify.type")}
          data={[
            { value: "email", label: t("admin.notify.types.email") },
            { value: "webhook", label: t("admin.notify.types.webhook") },
          ]}
          value={form.type}
          onChange={(v) => set("type", v as Form["type"])}
        />
        <ChannelFields form={form} set={set} editing={!!editing} />
        <Checkbox.Group
          label={t("admin.notify.events")}
          value={form.events}
          onChange={(events) => set("events", events)}
        >
          <Stack gap={6} mt={6}>
            {EVENTS.map((e) => (
              <Checkbox
                key={e}
                value={e}
                label={t(`admin.notify.eventNames.${e}` as "admin.notify.eventNames.node_up")}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        <Switch
          label={t("admin.notify.enabled")}
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
        />
        {outcome && <OutcomeAlert outcome={outcome} failedTitle={failedTitle(t, outcome.text)} />}
        <TestSaveButtons
          testLabel={t("admin.notify.test")}
          busy={busy}
          ready={ready}
          act={act}
          onClose={props.onClose}
        />
      </Stack>
    </Modal>
  );
}

/**
 * The title of a failed test: the server names a field first (`settings.secret: required…`)
 * when it refused the channel itself, and the delivery's words otherwise.
 */
export function failedTitle(t: TFunction, text: string): string {
  return /^[a-z_]+(\.[a-z_]+)*: /.test(text)
    ? t("admin.notify.incomplete")
    : t("admin.notify.failed");
}

type FieldsProps = {
  form: Form;
  set: <K extends keyof Form>(key: K, value: Form[K]) => void;
  editing: boolean;
};

/** The channel's name and where it delivers: addresses, or a URL and its signing secret. */
function ChannelFields({ form, set, ...props }: FieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput
        label={t("admin.notify.name")}
        required
        value={form.name}
        onChange={(e) => set("name", e.currentTarget.value)}
      />
      {form.type === "email" ? (
        <Textarea
          label={t("admin.notify.to")}
          description={t("admin.notify.toHint")}
          required
          autosize
          minRows={2}
          value={form.to}
          onChange={(e) => set("to", e.currentTarget.value)}
        />
      ) : (
        <>
          <TextInput
            label={t("admin.notify.url")}
            description={t("admin.notify.urlHint")}
            required
            value={form.url}
            onChange={(e) => set("url", e.currentTarget.value)}
          />
          <PasswordInput
            label={t("admin.notify.secret")}
            description={
              props.editing ? t("admin.notify.secretKeep") : t("admin.notify.secretHint")
            }
            required={!props.editing}
            autoComplete="new-password"
            value={form.secret}
            onChange={(e) => set("secret", e.currentTarget.value)}
          />
        </>
      )}{" "}
    </>
  );
}
