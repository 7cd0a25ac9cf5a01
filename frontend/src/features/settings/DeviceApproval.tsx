// /session/device/<token>: a sync client started a Nextcloud login flow and opened this page.
// The signed-in user sees the device's name and approves it (it gets an app password of this
// account) or refuses it. For a v1 flow the browser then goes to the `nc://login/…` address
// that hands the credentials to the app; a v2 client picks them up by polling. A user whose
// group has no WebDAV (which the apps go through) is told so instead of the two answers.
import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useParams } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { approveLoginFlow, cancelLoginFlow, useLoginFlow } from "../../api/devices/appPasswords";
import { useSession } from "../../api/session";
import { errorMessage } from "../../lib/errors";
import { DeviceIcon } from "./DeviceIcon";
import { canUseWebDav } from "./groupRights";

type Outcome = "approved" | "refused" | null;

export default function DeviceApproval() {
  const { t } = useTranslation();
  const { token } = useParams({ strict: false }) as { token: string };
  const flow = useLoginFlow(token);
  return (
    <Center py="xl">
      <Paper withBorder p="lg" maw={480} w="100%">
        <Stack gap="md">
          <Title order={1} size="h3">
            {t("deviceLogin.title")}
          </Title>
          {flow.isPending ? (
            <Center>
              <Loader aria-label={t("explorer.loading")} />
            </Center>
          ) : flow.isError ? (
            <Alert color="red" role="alert">
              {t("deviceLogin.gone")}
            </Alert>
          ) : (
            <Request token={token} device={flow.data.device} />
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

/** The device's request and the two answers; then what came of it. */
function Request({ token, device }: { token: string; device: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const act = async (approve: boolean) => {
    setBusy(true);
    setFailure(null);
    try {
      if (approve) {
        const approved = await approveLoginFlow(token);
        setOutcome("approved");
        if (approved.redirect) window.location.href = approved.redirect;
      } else {
        await cancelLoginFlow(token);
        setOutcome("refused");
      }
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (outcome) {
    return (
      <Alert color={outcome === "approved" ? "green" : "gray"} role="status">
        {t(outcome === "approved" ? "deviceLogin.approved" : "deviceLogin.refused")}
      </Alert>
    );
  }
  return (
    <Stack gap="md">
      <Group wrap="nowrap" gap="sm">
        <DeviceIcon name={device} size={36} />
        <div>
          <Text fw={600} data-testid="device-name">
            {device}
          </Text>
          <Text size="sm" c="dimmed">
            {t("deviceLogin.asks", { account: session?.user.email ?? "" })}
          </Text>
        </div>
      </Group>
      {!canUseWebDav(session?.user) ? (
        <Alert color="yellow" data-testid="device-not-allowed">
          {t("deviceLogin.notAllowed")}
        </Alert>
      ) : (
        <Answers busy={busy} act={act} />
      )}
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
    </Stack>
  );
}

function Answers({ busy, act }: { busy: boolean; act: (approve: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm">{t("deviceLogin.explain")}</Text>
      <Group justify="flex-end">
        <Button variant="default" disabled={busy} onClick={() => act(false)}>
          {t("deviceLogin.refuse")}
        </Button>
        <Button loading={busy} onClick={() => act(true)}>
          {t("deviceLogin.approve")}
        </Button>
      </Group>
    </>
  );
}
