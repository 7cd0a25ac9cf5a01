import { NativeSelect } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language, setLanguage } from "../i18n";

// The browser's own select: it is in every page's header, and Mantine's Select would bring its
// combobox (some 10 KB) into the first load.
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t("shell.language")}
      size="xs"
      w={140}
      value={i18n.language}
      data={Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))}
      onChange={(e) => setLanguage(e.currentTarget.value as Language)}
    />
  );
}
