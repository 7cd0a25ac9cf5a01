// What the banner, the settings page and the admin console show alike of an incident of the
// guard against mass deletion: the credential and its counts in words, the state as a badge,
// and the details (the files it changed, what undo put back and what it left alone) in a dialog.
import "@mantine/core/styles/List.css";
import { Alert, Badge, Group, List, Loader, Modal, Stack, Text, Title } from "@mantine/core";
import type { TFunction } from "i18next";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Incident } from "../../api/guard";
import { errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";

const STATE_COLOURS: Record<string, string> = {
  open: "red",
  undoing: "yellow",
  undone: "teal",
  released: "gray",
};

/** What the credential is, in words: "WebDAV account", "sync device", "S3 key"… */
export function kindLabel(t: TFunction, kind: string): string {
  return t(`guard.kind.${kind}` as "guard.kind.webdav", { defaultValue: kind });
}

/** "WebDAV account “laptop”". */
export function credentialLabel(t: TFunction, incident: Incident): string {
  const { kind, name } = incident.credential;
  return t("guard.credential", { kind: kindLabel(t, kind), name });
}

/** What the credential did, the kinds it did none of left out: "5 deleted, 2 renamed". */
export function countsLabel(t: TFunction, incident: Incident): string {
  const { deleted, overwritten, renamed } = incident.counts;
  const parts = [
    deleted > 0 && t("guard.deleted", { count: deleted }),
    overwritten > 0 && t("guard.overwritten", { count: overwritten }),
    renamed > 0 && t("guard.renamed", { count: renamed }),
  ].filter(Boolean);
  return parts.join(t("guard.listSeparator")) || t("guard.deleted", { count: 0 });
}

/** A path of the user's own files as they see it: `cloudreve://my/a/b.txt` → `/a/b.txt`. */
function shownPath(path: string): string {
  return path.replace(/^cloudreve:\/\/my(?=\/|$)/, "") || "/";
}

export function IncidentState({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={STATE_COLOURS[state] ?? "gray"} miw="max-content">
      {t(`guard.state.${state}` as "guard.state.open", { defaultValue: state })}
    </Badge>
  );
}

/**
 * The dialog with what the incident's credential changed. `incident` is undefined while it
 * loads; `error` says why it could not be.
 */
export function IncidentDetails(props: {
  incident: Incident | undefined;
  error?: unknown;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={props.onClose} title={t("guard.detailsTitle")} size="lg">
      {props.incident ? (
        <DetailsBody incident={props.incident} />
      ) : props.error ? (
        <Alert color="red" role="alert">
          {errorMessage(props.error)}
        </Alert>
      ) : (
        <Group justify="center" p="md">
          <Loader size="sm" aria-label={t("explorer.loading")} />
        </Group>
      )}
    </Modal>
  );
}

function DetailsBody({ incident }: { incident: Incident }) {
  const { t, i18n } = useTranslation();
  const when = (iso: string) => formatDate(iso, i18n.language);
  const skipped = incident.result?.skipped ?? [];
  const restored = incident.result?.restored ?? [];
  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
          {credentialLabel(t, incident)}
        </Text>
        <IncidentState state={incident.state} />
      </Group>
      <Text size="sm" c="dimmed">
        {[
          countsLabel(t, incident),
          t("guard.began", { when: when(incident.started_at) }),
          t("guard.stopped", { when: when(incident.tripped_at) }),
        ].join(" · ")}
      </Text>
      <Paths
        title={t("guard.detailsBody")}
        paths={incident.paths ?? []}
        total={changed(incident)}
      />
      {incident.result && (
        <>
          <Paths title={t("guard.restored", { count: restored.length })} paths={restored} />
          <Paths
            title={t("guard.skipped", { count: skipped.length })}
            paths={skipped.map((s) => s.path)}
            notes={skipped.map((s) => s.reason)}
          />
        </>
      )}
    </Stack>
  );
}

/** Plural: `guard.more_one` and `_other`, chosen by `count`. */
const MORE = "guard.more";

/** How many changes the incident counts: more than the first paths its details list. */
function changed(incident: Incident): number {
  const { deleted, overwritten, renamed } = incident.counts;
  return deleted + overwritten + renamed;
}

/**
 * A titled list of paths (each once), each with its note if any, and "and N more" when `total`
 * says the list holds only the first; nothing when there are none.
 */
function Paths(props: {
  title: string;
  paths: string[];
  notes?: string[];
  total?: number;
}): ReactNode {
  const { t } = useTranslation();
  const notes = new Map<string, string | undefined>();
  props.paths.forEach((p, i) => {
    const shown = shownPath(p);
    if (!notes.has(shown)) notes.set(shown, props.notes?.[i]);
  });
  if (notes.size === 0) return null;
  const more = (props.total ?? 0) - props.paths.length;
  return (
    <div>
      <Title order={3} size="h6" mb={4}>
        {props.title}
      </Title>
      <List size="sm" spacing={2}>
        {[...notes].map(([path, note]) => (
          <List.Item key={path} style={{ wordBreak: "break-all" }}>
            {path}
            {note && (
              <Text span size="xs" c="dimmed">
                {` — ${note}`}
              </Text>
            )}
          </List.Item>
        ))}
      </List>
      {more > 0 && (
        <Text size="sm" c="dimmed" mt={4} data-testid="incident-more">
          {t(MORE, { count: more })}
        </Text>
      )}
    </div>
  );
}
