// Pieces both search filter popovers (names and contents) show the same way.
import { Button, Group, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Modified from / to, as `YYYY-MM-DD` (empty: no bound). */
export function ModifiedRange({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (bound: "updatedFrom" | "updatedTo", value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Group grow gap="xs">
      <TextInput
        size="xs"
        type="date"
        label={t("explorer.search.from")}
        value={from}
        onChange={(e) => onChange("updatedFrom", e.currentTarget.value)}
      />
      <TextInput
        size="xs"
        type="date"
        label={t("explorer.search.to")}
        value={to}
        onChange={(e) => onChange("updatedTo", e.currentTarget.value)}
      />
    </Group>
  );
}

/** Reset and Search, under the fields. */
export function FilterActions({
  onReset,
  onSubmit,
}: {
  onReset: () => void;
  onSubmit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between">
      <Button size="xs" variant="subtle" onClick={onReset}>
        {t("explorer.search.reset")}
      </Button>
      <Button size="xs" onClick={onSubmit}>
        {t("explorer.search.submit")}
      </Button>
    </Group>
  );
}
