//! What a media viewer shows while its signed URL is asked for, or when that failed.
import { Alert, Center, Loader } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors";

export function MediaFallback({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) {
    return (
      <Center flex={1}>
        <Loader aria-label={t("preview.loading")} />
      </Center>
    );
  }
  return (
    <Center flex={1} p="md">
      <Alert color="red" role="alert">
        {errorMessage(error)}
      </Alert>
    </Center>
  );
}
