// The /admin route's component, in the main bundle: checks the signed-in user is an
// administrator BEFORE the console's chunk is asked for, so people who are not never download it.
import { Stack, Text, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import { ButtonLink } from "../../components/links";
import { MY_ROOT } from "../../lib/uri";
import { isAdmin } from "./access";

const AdminApp = lazy(() => import("./AdminApp"));

export function AdminGate() {
  const session = useSession();
  if (!session || !isAdmin(session.user)) return <NotAllowed />;
  return (
    <Suspense fallback={null}>
      <AdminApp />
    </Suspense>
  );
}

function NotAllowed() {
  const { t } = useTranslation();
  return (
    <Stack align="center" p="xl" role="alert">
      <Title order={1} size="h2">
        {t("admin.notAllowed.title")}
      </Title>
      <Text c="dimmed">{t("admin.notAllowed.body")}</Text>
      <ButtonLink to="/home" search={{ path: MY_ROOT }}>
        {t("error.home")}
      </ButtonLink>
    </Stack>
  );
}
