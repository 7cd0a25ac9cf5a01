// A share's expiry: presets (an hour to 30 days), "until I delete it", "unchanged" for an edited
// share, or a date and time of the owner's choosing (a native `datetime-local` field: no date
// picker library for one field).
import { Select, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../lib/format";

/** Expiry choices, in seconds; "keep" leaves an edited share's expiry where it is. */
export const EXPIRY = { hour: 3600, day: 86_400, week: 7 * 86_400, month: 30 * 86_400 } as const;
export type Expiry = "never" | "keep" | "date" | keyof typeof EXPIRY;

/** `YYYY-MM-DDTHH:mm` in local time, the value a `datetime-local` field reads and writes. */
export function localInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** Seconds from now until the chosen expiry; 0 = never. */
export function expirySeconds(expiry: Expiry, date: string, existing?: string | null): number {
  if (expiry === "never") return 0;
  const until = (iso: string) => Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
  if (expiry === "keep") return until(existing ?? "");
  if (expiry === "date") return until(date);
  return EXPIRY[expiry];
}

type Props = {
  expiry: Expiry;
  onExpiry: (expiry: Expiry) => void;
  date: string;
  onDate: (date: string) => void;
  /** The edited share's expiry, when it has one. */
  existing?: string | null;
};

export function ShareExpiry({ expiry, onExpiry, date, onDate, existing }: Props) {
  const { t, i18n } = useTranslation();
  const choices = [
    { value: "never", label: t("share.expiry.never") },
    ...(existing
      ? [
          {
            value: "keep",
            label: t("share.expiry.keep", { date: formatDate(existing, i18n.language) }),
          },
        ]
      : []),
    { value: "hour", label: t("share.expiry.hour") },
    { value: "day", label: t("share.expiry.day") },
    { value: "week", label: t("share.expiry.week") },
    { value: "month", label: t("share.expiry.month") },
    { value: "date", label: t("shareMore.expiryDate") },
  ];
  return (
    <Stack gap="xs">
      <Select
        label={t("share.expires")}
        allowDeselect={false}
        data={choices}
        value={expiry}
        onChange={(v) => v && onExpiry(v as Expiry)}
      />
      {expiry === "date" && (
        <TextInput
          type="datetime-local"
          label={t("shareMore.expiryDateLabel")}
          required
          min={localInputValue(new Date())}
          value={date}
          onChange={(e) => onDate(e.currentTarget.value)}
        />
      )}
    </Stack>
  );
}
