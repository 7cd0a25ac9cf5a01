import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MY_ROOT } from "../lib/uri";
import { ButtonLink } from "./links";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack align="center" p="xl">
      <Title order={2}>{t("notFound.title")}</Title>
      <Text c="dimmed">{t("notFound.body")}</Text>
      <ButtonLink to="/home" search={{ path: MY_ROOT }}>
        {t("error.home")}
      </ButtonLink>
    </Stack>
  );
}
