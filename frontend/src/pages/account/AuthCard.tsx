// The frame of the signed-out pages (sign-up, forgotten password, reset, activation): a card
// in the middle of the page with the site name, and the language picker under it.
import { Center, Group, Paper, Stack, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { anonymousApi, unwrap } from "../../api/client";
import { LanguagePicker } from "../../components/LanguagePicker";

/** The `login` section of the site config: which sign-in features are on. */
export function useLoginConfig() {
  return useQuery({
    queryKey: ["site-config", "login"],
    queryFn: () =>
      unwrap(
        anonymousApi.GET("/site/config/{section}", { params: { path: { section: "login" } } }),
      ),
  });
}

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const config = useLoginConfig();
  return (
    <Center mih="100dvh" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h2">
            {config.data?.title || "Stratus"}
          </Title>
          <Title order={2} size="h4">
            {title}
          </Title>
          {children}
          <Group justify="flex-end">
            <LanguagePicker />
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
}
