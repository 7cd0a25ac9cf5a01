// One titled block of the settings page.
import { Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

export function Section({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`settings-${id}`}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id={`settings-${id}`}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {children}
      </Stack>
    </Paper>
  );
}
