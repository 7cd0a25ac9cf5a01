// Notification channels: where the site says that a backup failed (or completed), a target
// failed its test, or a node stopped or started answering. A saved channel can be tested; the
// delivery's error is shown as it came. Below the list, the internal ranges webhooks may reach.
import { Stack } from "@mantine/core";
import { IconSend } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { EditableList } from "../../EditableList";
import { RowAction } from "../../list/RowAction";
import { TestResultModal, useRowTest } from "../../list/TestResult";
import { AllowedRangesCard } from "./AllowedRangesCard";
import { ChannelDialog, failedTitle } from "./ChannelDialog";
import { channelColumns } from "./channelColumns";
import {
  CHANNELS_LIST,
  type Channel,
  deleteChannel,
  listChannels,
  testSavedChannel,
} from "./channelsApi";

export default function NotificationsPage() {
  const { t } = useTranslation();
  const tests = useRowTest<Channel>(async (c) => {
    await testSavedChannel(c.id);
    return t("admin.notify.testSent");
  });

  return (
    <Stack gap="md" pb="xl">
      <EditableList<Channel>
        id={CHANNELS_LIST}
        title={t("admin.nav.notifications")}
        fetchPage={listChannels}
        columns={(open) => channelColumns(t, open)}
        rowKey={(c) => c.id}
        rowName={(c) => c.name}
        defaultOrder={{ by: "id", direction: "asc" }}
        createLabel={t("admin.notify.create")}
        before={(c) => (
          <RowAction
            tip={t("admin.notify.test")}
            label={t("admin.notify.testNamed", { name: c.name })}
            icon={IconSend}
            loading={tests.testing === c.id}
            onClick={() => void tests.test(c)}
          />
        )}
        edit={{
          tip: t("admin.backup.edit"),
          label: (c) => t("admin.backup.editNamed", { name: c.name }),
        }}
        remove={{
          tip: t("admin.backup.delete"),
          label: (c) => t("admin.backup.deleteNamed", { name: c.name }),
          title: (c) => t("admin.notify.deleteTitle", { name: c.name }),
          what: t("admin.notify.deleteWhat"),
          run: (c) => deleteChannel(c.id),
        }}
        dialog={(channel, close, saved) => (
          <ChannelDialog editing={channel} onClose={close} onSaved={saved} />
        )}
      />
      {tests.outcome && (
        <TestResultModal
          outcome={tests.outcome}
          title={t("admin.notify.testTitle", { name: tests.outcome.name })}
          failedTitle={failedTitle(t, tests.outcome.text)}
          onClose={tests.close}
        />
      )}
      <AllowedRangesCard />
    </Stack>
  );
}
