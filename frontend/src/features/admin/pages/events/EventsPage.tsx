// Audit log: who did what, from where and when; filtered by type, user, address and time, each
// event's details on demand, and the filtered log exported as CSV.
import { Button, Text } from "@mantine/core";
import { IconDownload, IconListDetails } from "@tabler/icons-react";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../../../lib/format";
import { AdminList, type BatchAction } from "../../AdminList";
import { type AdminEvent, listEvents } from "../../api";
import { RowAction } from "../../list/RowAction";
import { EventDetails } from "./EventDetails";
import { eventColumns, eventFilters, eventTypeName } from "./eventColumns";
import { deleteEvents } from "./eventsApi";
import { useCsvExport } from "./useCsvExport";

export default function EventsPage() {
  const { t, i18n } = useTranslation();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const navigate = useNavigate();
  const [shown, setShown] = useState<AdminEvent | null>(null);
  const filters = eventFilters(t);
  const csv = useCsvExport(search, filters);

  const byUser = (id: number) =>
    navigate({
      to: ".",
      search: { ...search, event_user_id: String(id), page: undefined },
    } as never);

  const batchActions: BatchAction<AdminEvent>[] = [
    {
      key: "delete",
      label: t("admin.events.delete"),
      confirmLabel: t("admin.events.deleteConfirm"),
      danger: true,
      describe: (rows) => (
        <Text size="sm">{t("admin.events.deleteWhat", { count: rows.length })}</Text>
      ),
      run: (rows) => deleteEvents(rows.map((r) => r.id)),
    },
  ];

  return (
    <>
      <AdminList<AdminEvent>
        id="events"
        title={t("admin.nav.events")}
        fetchPage={listEvents}
        columns={eventColumns(t, i18n.language, byUser)}
        rowKey={(e) => e.id}
        rowName={(e) =>
          `#${e.id} ${eventTypeName(t, e.type)} ${formatDate(e.created_at, i18n.language)}`
        }
        filters={filters}
        batchActions={batchActions}
        defaultOrder={{ by: "created_at", direction: "desc" }}
        toolbar={
          <Button
            variant="default"
            leftSection={<IconDownload size={16} />}
            loading={csv.exporting}
            onClick={csv.exportCsv}
          >
            {t("admin.events.export")}
          </Button>
        }
        rowActions={(e) => (
          <RowAction
            tip={t("admin.events.details")}
            label={t("admin.events.detailsOf", { id: e.id })}
            icon={IconListDetails}
            onClick={() => setShown(e)}
          />
        )}
      />
      {shown && <EventDetails event={shown} onClose={() => setShown(null)} />}
    </>
  );
}
