// The page of the activation link: confirms the address once, then offers to sign in.
import { Alert, Center, Loader } from "@mantine/core";
import { useSearch } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { useActivation } from "../../api/account/account";
import { AuthCard } from "../../components/AuthCard";
import { ButtonLink } from "../../components/links";
import { errorMessage } from "../../lib/errors";

export default function Activate() {
  const { t } = useTranslation();
  const { id, sign } = useSearch({ from: "/session/activate" });
  const activation = useActivation(id, sign);

  return (
    <AuthCard title={t("account.activateTitle")}>
      {!id || !sign ? (
        <Alert color="red" role="alert">
          {t("account.linkBroken")}
        </Alert>
      ) : activation.isPending ? (
        <Center>
          <Loader aria-label={t("explorer.loading")} />
        </Center>
      ) : activation.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(activation.error)}
        </Alert>
      ) : (
        <Alert color="green" role="status">
          {t("account.activated", { email: activation.data.email ?? "" })}
        </Alert>
      )}
      <ButtonLink to="/session">{t("account.toSignIn")}</ButtonLink>
    </AuthCard>
  );
}
