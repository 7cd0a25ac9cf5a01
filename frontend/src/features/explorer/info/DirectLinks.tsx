// The owner's direct links of a file in the info panel: each link's URL with a copy button, how
// often it was followed and when it was made, and a button revoking it (`DELETE
// /file/source/:id`: the URL stops working at once); "Get a direct link" makes one (or hands
// back the existing one, unless the group makes a new link each time).
import {
  ActionIcon,
  Button,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconLinkOff } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../../api/client";
import { createDirectLink, revokeDirectLink } from "../../../api/files/directLinks";
import { CopyIcon } from "../../../components/CopyIcon";
import { notifyError } from "../../../lib/errors";
import { formatDate } from "../../../lib/format";

type Link = NonNullable<NonNullable<FileInfo["extended_info"]>["direct_links"]>[number];

export function DirectLinks({
  uri,
  links,
  reload,
}: {
  uri: string;
  links: Link[];
  /** Reads the file's info again (the list of links comes with it). */
  reload: () => void;
}) {
  const { t } = useTranslation();
  const { busy, act } = useBusy(reload);
  return (
    <section aria-labelledby="direct-links-title">
      <Title order={4} id="direct-links-title" mb="xs">
        {t("directLinks.title")}
      </Title>
      <Stack gap="xs">
        {links.map((link) => (
          <DirectLinkRow
            key={link.id}
            link={link}
            revoking={busy === link.id}
            revoke={() => act(link.id, () => revokeDirectLink(link.id))}
          />
        ))}
        <Group>
          <Button
            variant="default"
            size="xs"
            loading={busy === "new"}
            onClick={() => act("new", () => createDirectLink(uri))}
          >
            {t("explorer.info.directLink")}
          </Button>
        </Group>
      </Stack>
    </section>
  );
}

/** Which change is running (a link's id, or "new"), and `act`, which runs one and re-reads. */
function useBusy(reload: () => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (key: string, work: () => Promise<unknown>) => {
    setBusy(key);
    try {
      await work();
      reload();
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(null);
    }
  };
  return { busy, act };
}

function DirectLinkRow({
  link,
  revoking,
  revoke,
}: {
  link: Link;
  revoking: boolean;
  revoke: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="xs" data-testid="direct-link">
      <Group gap={4} wrap="nowrap" align="center">
        <TextInput
          style={{ flex: 1, minWidth: 0 }}
          size="xs"
          aria-label={t("directLinks.url")}
          value={link.url}
          readOnly
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyIcon value={link.url} label={t("directLinks.copy")} variant="subtle" />
        <Tooltip label={t("directLinks.revoke")}>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={t("directLinks.revoke")}
            loading={revoking}
            onClick={revoke}
          >
            <IconLinkOff size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {t("directLinks.downloads", { count: link.downloaded })}
        {" · "}
        {t("directLinks.created", { date: formatDate(link.created_at, i18n.language) })}
      </Text>
    </Paper>
  );
}
