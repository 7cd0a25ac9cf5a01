// Exports the log as the address filters it (every page, up to the export's cap) as a CSV
// file the browser downloads.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { notifyError } from "../../../../lib/errors";
import { type FilterField, fetchAll, listRequestFrom } from "../../AdminList";
import { listEvents } from "../../api";
import { eventsCsv } from "./csv";
import { eventTypeName } from "./eventColumns";

export function useCsvExport(search: Record<string, unknown>, filters: FilterField[]) {
  const { t } = useTranslation();
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      const request = listRequestFrom(search, filters, { by: "created_at", direction: "desc" });
      const events = await fetchAll(listEvents, request);
      const csv = eventsCsv(events, (type) => eventTypeName(t, type));
      download(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    } catch (e) {
      notifyError(e);
    } finally {
      setExporting(false);
    }
  };
  return { exporting, exportCsv };
}

function download(blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `audit-log-${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
