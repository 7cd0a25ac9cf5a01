// Linked accounts: the OpenID Connect providers the account signs in with. Link sends the
// browser to the provider and back; Unlink is refused (with the server's message) for the last
// way into an account without a password.
import { Avatar, Button, Group, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type LinkedProvider,
  startLink,
  unlink,
  useLinkedAccounts,
} from "../../api/account/linkedAccounts";
import { ApiError } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { asSentence, errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { Section } from "./Section";

export function LinkedAccountsSection() {
  const { t } = useTranslation();
  const linked = useLinkedAccounts();
  const [unlinking, setUnlinking] = useState<LinkedProvider | null>(null);
  const providers = linked.data?.providers ?? [];
  // Without providers there is nothing to link: the section stays away.
  if (providers.length === 0) return null;

  const link = async (p: LinkedProvider) => {
    try {
      window.location.assign(await startLink(p.id, "/settings#settings-linked"));
    } catch (e) {
      notifications.show({ color: "red", message: errorMessage(e) });
    }
  };
  const remove = async (p: LinkedProvider) => {
    try {
      await unlink(p.id);
    } catch (e) {
      // The server says why (the last way into the account): its words, not the generic 403.
      throw e instanceof ApiError && e.code === 403 && e.message
        ? new Error(asSentence(e.message))
        : e;
    }
    notifications.show({
      color: "green",
      message: t("settings.linked.unlinked", { name: p.name }),
    });
  };

  return (
    <Section
      id="linked"
      title={t("settings.linked.title")}
      description={t("settings.linked.intro")}
    >
      <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {providers.map((p) => (
          <ProviderRow key={p.id} provider={p} onLink={link} onUnlink={setUnlinking} />
        ))}
      </Stack>
      {unlinking && (
        <ConfirmDialog
          title={t("settings.linked.unlinkTitle")}
          message={t("settings.linked.unlinkBody", { name: unlinking.name })}
          confirmLabel={t("settings.linked.unlink")}
          onConfirm={() => remove(unlinking)}
          onClose={() => setUnlinking(null)}
        />
      )}
    </Section>
  );
}

function ProviderRow({
  provider: p,
  onLink,
  onUnlink,
}: {
  provider: LinkedProvider;
  onLink: (p: LinkedProvider) => void;
  onUnlink: (p: LinkedProvider) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <li>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Avatar src={p.icon ?? undefined} size={32} radius="sm" alt="">
            {p.name.slice(0, 1)}
          </Avatar>
          <div style={{ minWidth: 0 }}>
            <Text fw={500} style={{ overflowWrap: "anywhere" }}>
              {p.name}
            </Text>
            <Text size="xs" c="dimmed">
              {p.linked && p.linked_at
                ? t("settings.linked.since", { when: formatDate(p.linked_at, i18n.language) })
                : t("settings.linked.notLinked")}
            </Text>
          </div>
        </Group>
        {p.linked ? (
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={t("settings.linked.unlinkOf", { name: p.name })}
            onClick={() => onUnlink(p)}
          >
            {t("settings.linked.unlink")}
          </Button>
        ) : (
          <Button
            size="xs"
            variant="light"
            aria-label={t("settings.linked.linkOf", { name: p.name })}
            onClick={() => onLink(p)}
          >
            {t("settings.linked.link")}
          </Button>
        )}
      </Group>
    </li>
  );
}
