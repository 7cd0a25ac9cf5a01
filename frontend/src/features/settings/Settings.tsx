// The settings page: profile, security (password, 2FA, sessions, the guard's incidents,
// passkeys, linked accounts, connected apps), file versions, every device and key in one list,
// WebDAV accounts, sync clients' devices, S3 keys and the storage used, each a section of its
// own file.
import { Alert, Center, Loader, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useUserSettings } from "../../api/account/userSettings";
import { errorMessage } from "../../lib/errors";
import { ConnectedAppsSection } from "./ConnectedAppsSection";
import { CredentialsSection } from "./credentials/CredentialsSection";
import { DevicesSection } from "./DevicesSection";
import { IncidentsSection } from "./IncidentsSection";
import { LinkedAccountsSection } from "./LinkedAccountsSection";
import { OpenIncidents } from "./OpenIncidents";
import { PasskeysSection } from "./PasskeysSection";
import { PasswordSection } from "./PasswordSection";
import { ProfileSection } from "./ProfileSection";
import { S3Section } from "./S3Section";
import { SessionsSection } from "./SessionsSection";
import { SignInLocks } from "./SignInLocks";
import { StorageSection } from "./StorageSection";
import { TwoFactorSection } from "./TwoFactorSection";
import { VersionsSection } from "./VersionsSection";
import { WebDavSection } from "./WebDavSection";

export default function Settings() {
  const { t } = useTranslation();
  const settings = useUserSettings();
  return (
    <Stack maw={820} mx="auto" gap="md" pb="xl">
      <Title order={1} size="h2">
        {t("settings.title")}
      </Title>
      <OpenIncidents />
      <ProfileSection />
      {settings.isPending ? (
        <Center>
          <Loader aria-label={t("explorer.loading")} />
        </Center>
      ) : settings.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(settings.error)}
        </Alert>
      ) : (
        <>
          <SignInLocks locks={settings.data.sign_in_locks ?? []} />
          <PasswordSection passwordless={settings.data.passwordless} />
          <TwoFactorSection
            enabled={settings.data.two_fa_enabled}
            codesLeft={settings.data.two_fa_recovery_codes_left}
          />
          <SessionsSection />
          <IncidentsSection />
          <PasskeysSection passkeys={settings.data.passkeys ?? []} />
          <LinkedAccountsSection />
          <ConnectedAppsSection grants={settings.data.oauth_grants ?? []} />
          <VersionsSection settings={settings.data} />
        </>
      )}
      <CredentialsSection />
      <WebDavSection />
      <DevicesSection />
      <S3Section />
      <StorageSection />
    </Stack>
  );
}
