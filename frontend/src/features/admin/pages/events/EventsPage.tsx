// Audit log: who did what, from where and when; filtered by type, user, address and time, each
// event's details on demand, and the filtered log exported as CSV.
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Code,
  Modal,
  Stack,
  Table,
  Text,
  Tooltip,
} from "@mantine/core";
import { IconDownload, IconListDetails } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../../../api/client";
import { notifyError } from "../../../../lib/errors";
import { formatDate } from "../../../../lib/format";
import {
  AdminList,
  type BatchAction,
  type Column,
  type FilterField,
  fetchAll,
  listRequestFrom,
} from "../../AdminList";
import { type AdminEvent, listEvents } from "../../api";
import { eventsCsv } from "./csv";
import { EVENT_TYPES } from "./types";

export default function EventsPage() {
  const { t, i18n } = useTranslation();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const navigate = useNavigate();
  const [shown, setShown] = useState<AdminEvent | null>(null);
  const [exporting, setExporting] = useState(false);

  const typeName = (type: number) => {
    const key = EVENT_TYPES[type];
    return key
      ? t(`admin.events.types.${key}` as "admin.events.types.login")
      : t("admin.events.unknownType", { type });
  };

  const filters: FilterField[] = [
    {
      key: "event_type",
      label: t("admin.events.type"),
      type: "select",
      options: Object.keys(EVENT_TYPES).map((type) => ({
        value: type,
        label: typeName(Number(type)),
      })),
    },
    { key: "event_user_id", label: t("admin.events.userId") },
    { key: "event_ip", label: t("admin.events.ip"), kind: "search" },
    { key: "event_created_from", label: t("admin.events.from"), type: "datetime" },
    { key: "event_created_to", label: t("admin.events.to"), type: "datetime" },
  ];

  const byUser = (id: number) =>
    navigate({
      to: ".",
      search: { ...search, event_user_id: String(id), page: undefined },
    } as never);

  const columns: Column<AdminEvent>[] = [
    {
      key: "time",
      label: t("admin.events.time"),
      sort: "created_at",
      render: (e) => (
        <Text size="sm" style={{ whiteSpace: "nowrap" }}>
          {formatDate(e.created_at, i18n.language)}
        </Text>
      ),
    },
    {
      key: "type",
      label: t("admin.events.type"),
      sort: "type",
      render: (e) => (
        <Badge
          miw="max-content"
          variant="dot"
          color={e.type === 60 ? "grape" : [3, 21, 30].includes(e.type) ? "red" : "blue"}
        >
          {typeName(e.type)}
        </Badge>
      ),
    },
    {
      key: "user",
      label: t("admin.events.user"),
      sort: "user_id",
      render: (e) =>
        e.user_id ? (
          <Tooltip label={t("admin.events.onlyThisUser")}>
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => e.user_id && byUser(e.user_id)}
            >
              {e.edges.user?.email ?? `#${e.user_id}`}
            </Anchor>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            {t("admin.events.nobody")}
          </Text>
        ),
    },
    { key: "ip", label: t("admin.events.ip"), sort: "ip", render: (e) => e.ip ?? "" },
    {
      key: "summary",
      label: t("admin.events.what"),
      render: (e) => (
        <Text size="sm" lineClamp={1} maw={320} ff="monospace">
          {summary(e)}
        </Text>
      ),
    },
  ];

  const batchActions: BatchAction<AdminEvent>[] = [
    {
      key: "delete",
      label: t("admin.events.delete"),
      confirmLabel: t("admin.events.deleteConfirm"),
      danger: true,
      describe: (rows) => (
        <Text size="sm">{t("admin.events.deleteWhat", { count: rows.length })}</Text>
      ),
      run: async (rows) => {
        await unwrap(
          api.POST("/admin/event/batch/delete", { body: { ids: rows.map((r) => r.id) } }),
        );
      },
    },
  ];

  const exportCsv = async () => {
    setExporting(true);
    try {
      const request = listRequestFrom(search, filters, { by: "created_at", direction: "desc" });
      const events = await fetchAll(listEvents, request);
      const blob = new Blob([eventsCsv(events, typeName)], { type: "text/csv;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `audit-log-${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      notifyError(e);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <AdminList<AdminEvent>
        id="events"
        title={t("admin.nav.events")}
        fetchPage={listEvents}
        columns={columns}
        rowKey={(e) => e.id}
        rowName={(e) => `#${e.id} ${typeName(e.type)} ${formatDate(e.created_at, i18n.language)}`}
        filters={filters}
        batchActions={batchActions}
        defaultOrder={{ by: "created_at", direction: "desc" }}
        toolbar={
          <Button
            variant="default"
            leftSection={<IconDownload size={16} />}
            loading={exporting}
            onClick={exportCsv}
          >
            {t("admin.events.export")}
          </Button>
        }
        rowActions={(e) => (
          <Tooltip label={t("admin.events.details")}>
            <ActionIcon
              variant="subtle"
              aria-label={t("admin.events.detailsOf", { id: e.id })}
              onClick={() => setShown(e)}
            >
              <IconListDetails size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      />
      {shown && (
        <Modal
          opened
          onClose={() => setShown(null)}
          title={t("admin.events.detailsTitle", { id: shown.id })}
          size="lg"
          centered
        >
          <Stack gap="sm">
            <Table variant="vertical" withTableBorder>
              <Table.Tbody>
                <Detail
                  label={t("admin.events.time")}
                  value={formatDate(shown.created_at, i18n.language)}
                />
                <Detail
                  label={t("admin.events.type")}
                  value={`${typeName(shown.type)} (${shown.type})`}
                />
                <Detail
                  label={t("admin.events.user")}
                  value={
                    shown.user_id
                      ? `${shown.edges.user?.email ?? ""} (#${shown.user_id}${shown.user_hash_id ? `, ${shown.user_hash_id}` : ""})`
                      : t("admin.events.nobody")
                  }
                />
                <Detail label={t("admin.events.ip")} value={shown.ip ?? ""} />
                <Detail label={t("admin.events.userAgent")} value={shown.user_agent ?? ""} />
                <Detail label={t("admin.events.correlation")} value={shown.correlation_id ?? ""} />
              </Table.Tbody>
            </Table>
            <Text size="sm" fw={500}>
              {t("admin.events.content")}
            </Text>
            <Code block>{shown.content ? JSON.stringify(shown.content, null, 2) : "—"}</Code>
          </Stack>
        </Modal>
      )}
    </>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={160}>{label}</Table.Th>
      <Table.Td style={{ wordBreak: "break-all" }}>{value}</Table.Td>
    </Table.Tr>
  );
}

/** One line about an event: an admin change names its target and action; others their content. */
function summary(e: AdminEvent): string {
  const content = e.content as Record<string, unknown> | undefined | null;
  if (!content || typeof content !== "object") return "";
  if (e.type === 60 && typeof content.target === "string") {
    const changes =
      content.changes && typeof content.changes === "object" ? Object.keys(content.changes) : [];
    return `${content.target}${content.id !== undefined ? ` #${content.id}` : ""} ${content.action ?? ""}${changes.length ? `: ${changes.join(", ")}` : ""}`;
  }
  return JSON.stringify(content);
}
