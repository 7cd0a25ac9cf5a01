// Active sessions: every sign-in of the account with its device, address and last use; ending
// one signs that device out at once (its next request is refused). This device is marked and
// is signed out with the usual sign-out instead.
import { Alert, Badge, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { IconDeviceDesktop } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { revokeSession, type UserSession, useUserSessions } from "../../api/account/sessions";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { errorMessage } from "../../lib/errors";
import { formatDate } from "../../lib/format";
import { Section } from "./Section";

export function SessionsSection() {
  const { t } = useTranslation();
  const sessions = useUserSessions();
  const [ending, setEnding] = useState<UserSession | null>(null);
  return (
    <Section
      id="sessions"
      title={t("settings.sessions.title")}
      description={t("settings.sessions.intro")}
    >
      {sessions.isPending ? (
        <Loader size="sm" aria-label={t("explorer.loading")} />
      ) : sessions.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(sessions.error)}
        </Alert>
      ) : (
        <Stack gap="md" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {sessions.data.map((session) => (
            <SessionRow key={session.id} session={session} onEnd={() => setEnding(session)} />
          ))}
        </Stack>
      )}
      {ending && (
        <ConfirmDialog
          title={t("settings.sessions.endTitle")}
          message={t("settings.sessions.endBody", {
            device: deviceName(ending, t("settings.sessions.unknownDevice")),
          })}
          confirmLabel={t("settings.sessions.end")}
          onConfirm={() => revokeSession(ending.id)}
          onClose={() => setEnding(null)}
        />
      )}
    </Section>
  );
}

/** The device's name, or `unknown` when the sign-in sent no User-Agent. */
function deviceName(session: UserSession, unknown: string): string {
  return session.device || unknown;
}

function SessionRow({ session, onEnd }: { session: UserSession; onEnd: () => void }) {
  const { t, i18n } = useTranslation();
  const name = deviceName(session, t("settings.sessions.unknownDevice"));
  return (
    <li data-testid="session">
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Group wrap="nowrap" align="flex-start" gap="sm" style={{ minWidth: 0 }}>
          <IconDeviceDesktop size={28} stroke={1.5} aria-hidden style={{ flex: "none" }} />
          <div style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Text fw={500} style={{ overflowWrap: "anywhere" }} title={session.user_agent}>
                {name}
              </Text>
              {session.current && (
                <Badge size="sm" variant="dot" color="green">
                  {t("settings.sessions.thisDevice")}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {[
                session.ip,
                // This device's own record is written at its last refresh: it is in use now.
                session.current
                  ? t("settings.sessions.inUse")
                  : t("settings.sessions.lastUsed", {
                      when: formatDate(session.last_used_at, i18n.language),
                    }),
                t("settings.sessions.signedIn", {
                  when: formatDate(session.created_at, i18n.language),
                }),
              ]
                .filter(Boolean)
                .join(" · ")}
            </Text>
          </div>
        </Group>
        {!session.current && (
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={t("settings.sessions.endOf", { device: name })}
            onClick={onEnd}
            style={{ flex: "none" }}
          >
            {t("settings.sessions.end")}
          </Button>
        )}
      </Group>
    </li>
  );
}
