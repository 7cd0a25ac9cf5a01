// The frame of the signed-out pages (sign-in, sign-up, forgotten password, reset, activation):
// a card in the middle of the page with the site name, and the language picker under it. The
// card's content waits for the site config (see loginConfig.ts).
import { Box, Center, Group, Loader, Paper, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLoginConfig } from "../api/account/loginConfig";
import { CustomHtml } from "./CustomHtml";
import { LanguagePicker } from "./LanguagePicker";

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
    <Stack mih="100dvh" p="md" justify="center" align="center">
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
            <CustomHtml html={config.html.bottom} testId="headless-bottom-html" />
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
      {config && (
        <Box w="100%" maw={maw}>
          <CustomHtml html={config.html.footer} testId="headless-footer-html" />
        </Box>
      )}
    </Stack>
  );
}
