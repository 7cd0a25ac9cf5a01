// Profile: nickname, avatar, language, theme colour and colour scheme. The language and colour
// are saved to the account (and applied here at once); the colour scheme stays in this browser.
import {
  Avatar,
  Button,
  CheckIcon,
  ColorSwatch,
  FileButton,
  Group,
  SegmentedControl,
  Select,
  Text,
  TextInput,
  Tooltip,
  useMantineColorScheme,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { patchSettings, reloadUser, uploadAvatar } from "../../api/account/userSettings";
import { useSession } from "../../api/session";
import { LANGUAGES, type Language, setLanguage } from "../../i18n";
import { avatarUrl } from "../../lib/avatar";
import { errorMessage, notifyError } from "../../lib/errors";
import { Section } from "./Section";
import { colourName, THEME_COLOURS, type ThemeColour } from "./themeColours";

export function ProfileSection() {
  const { t, i18n } = useTranslation();
  const user = useSession()?.user;
  const changeLanguage = async (language: Language) => {
    try {
      await setLanguage(language);
      await patchSettings({ language });
      await reloadUser();
    } catch (e) {
      notifyError(e);
    }
  };

  return (
    <Section id="profile" title={t("settings.profile.title")}>
      <AvatarRow />
      <Text size="sm" c="dimmed">
        {t("settings.profile.email", { email: user?.email ?? "" })}
      </Text>
      <NickForm />
      <Select
        label={t("shell.language")}
        allowDeselect={false}
        maw={260}
        value={i18n.language}
        data={Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))}
        onChange={(value) => value && changeLanguage(value as Language)}
      />
      <ColourPicker />
      <SchemePicker />
    </Section>
  );
}

function useSaved() {
  const { t } = useTranslation();
  return () => notifications.show({ color: "green", message: t("settings.saved") });
}

/** The avatar, a new one uploaded, or back to the Gravatar of the address. */
function AvatarRow() {
  const { t } = useTranslation();
  const user = useSession()?.user;
  const [avatarVersion, setAvatarVersion] = useState(0);
  const saved = useSaved();
  const changeAvatar = async (file: File | null) => {
    try {
      await uploadAvatar(file);
      setAvatarVersion((v) => v + 1);
      saved();
    } catch (e) {
      notifyError(e);
    }
  };
  return (
    <Group gap="md" wrap="nowrap">
      <Avatar
        size={64}
        radius="xl"
        src={avatarUrl(user, avatarVersion)}
        alt={t("settings.profile.avatar")}
      >
        {user?.nickname.slice(0, 1).toUpperCase()}
      </Avatar>
      <Group gap="xs">
        <FileButton onChange={changeAvatar} accept="image/png,image/jpeg,image/gif">
          {(props) => (
            <Button variant="default" {...props}>
              {t("settings.profile.uploadAvatar")}
            </Button>
          )}
        </FileButton>
        {user?.avatar === "file" && (
          <Button variant="subtle" onClick={() => changeAvatar(null)}>
            {t("settings.profile.gravatar")}
          </Button>
        )}
      </Group>
    </Group>
  );
}

function NickForm() {
  const { t } = useTranslation();
  const user = useSession()?.user;
  const [nick, setNick] = useState(user?.nickname ?? "");
  const [nickError, setNickError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saved = useSaved();
  const saveNick = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNickError(null);
    try {
      await patchSettings({ nick: nick.trim() });
      await reloadUser();
      saved();
    } catch (e) {
      setNickError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={saveNick}>
      <Group align="start" gap="xs" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          label={t("settings.profile.nick")}
          required
          maxLength={100}
          value={nick}
          error={nickError}
          onChange={(e) => setNick(e.currentTarget.value)}
        />
        <Button type="submit" loading={busy} mt={25}>
          {t("settings.save")}
        </Button>
      </Group>
    </form>
  );
}

/** The theme colour, saved to the account. */
function ColourPicker() {
  const { t } = useTranslation();
  const colour = colourName(useSession()?.user?.preferred_theme);
  const changeColour = async (name: ThemeColour) => {
    try {
      await patchSettings({ preferred_theme: THEME_COLOURS[name] });
      await reloadUser();
    } catch (e) {
      notifyError(e);
    }
  };
  return (
    <div>
      <Text size="sm" fw={500} id="theme-colour-label" mb={6}>
        {t("settings.profile.colour")}
      </Text>
      <Group gap="xs" role="radiogroup" aria-labelledby="theme-colour-label">
        {(Object.keys(THEME_COLOURS) as ThemeColour[]).map((name) => (
          <Tooltip key={name} label={t(`settings.colours.${name}`)}>
            <ColorSwatch
              component="button"
              type="button"
              role="radio"
              aria-checked={colour === name}
              aria-label={t(`settings.colours.${name}`)}
              color={`var(--mantine-color-${name}-filled)`}
              onClick={() => changeColour(name)}
              style={{ color: "#fff", cursor: "pointer" }}
            >
              {colour === name && <CheckIcon size={12} />}
            </ColorSwatch>
          </Tooltip>
        ))}
      </Group>
    </div>
  );
}

/** Light, dark or the system's: kept in this browser only. */
function SchemePicker() {
  const { t } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <div>
      <Text size="sm" fw={500} id="scheme-label" mb={6}>
        {t("settings.profile.scheme")}
      </Text>
      <SegmentedControl
        aria-labelledby="scheme-label"
        value={colorScheme}
        onChange={(v) => setColorScheme(v as "light" | "dark" | "auto")}
        data={[
          { value: "light", label: t("settings.profile.light") },
          { value: "dark", label: t("settings.profile.dark") },
          { value: "auto", label: t("settings.profile.auto") },
        ]}
      />
    </div>
  );
}
