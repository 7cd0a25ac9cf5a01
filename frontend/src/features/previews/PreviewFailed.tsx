import { Alert, Center } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** What a preview shows in place of the file when it cannot show it. */
export function PreviewFailed({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Center flex={1} p="md">
      <Alert color="red" role="alert" title={t("preview.failed")}>
        {children}
      </Alert>
    </Center>
  );
}
