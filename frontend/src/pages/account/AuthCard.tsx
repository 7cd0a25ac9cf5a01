// The frame of the signed-out pages (sign-in, sign-up, forgotten password, reset, activation):
// a card in the middle of the page with the site name, and the language picker under it. The
// card's content waits for the site config (see loginConfig.ts).
import { Center, Group, Loader, Paper, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguagePicker } from "../../components/LanguagePicker";
import { useLoginConfig } from "./loginConfig";

export function AuthCard({
  title,
  children,
  maw = 420,
}: {
  /** The page's own heading under the site name, if any. */
  title?: string;
  children: ReactNode;
  maw?: number;
}) {
  const { t } = useTranslation();
  const config = useLoginConfig();
  return (
    <Center mih="100dvh" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={maw}>
        {config ? (
          <Stack>
            <Title order={1} size="h2">
              {config.title}
            </Title>
            {title && (
              <Title order={2} size="h4">
                {title}
              </Title>
            )}
            {children}
            <Group justify="flex-end">
              <LanguagePicker />
            </Group>
          </Stack>
        ) : (
          <Center>
            <Loader aria-label={t("explorer.loading")} />
          </Center>
        )}
      </Paper>
    </Center>
  );
}
