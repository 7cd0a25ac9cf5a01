// The share dialog's People tab: who may open one of the owner's items without a link, and
// how. People are found by a name (3 letters at least) or an exact e-mail address; the owner's
// own group is one click; people added may be told by e-mail (the tab says when the site has
// no mail server and nobody was told). Every change is saved at once
// (`PUT /file/permission`), as the server answers the whole list after each.
import {
  ActionIcon,
  Alert,
  Avatar,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconUsersGroup, IconX } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../api/session";
import {
  type Access,
  type Grant,
  type PublicUser,
  setGrants,
  useGrants,
  useUserSearch,
} from "../../api/sharing/permissions";
import { errorMessage } from "../../lib/errors";

type Change = Parameters<typeof setGrants>[1];

export function SharePeople({ uri, name }: { uri: string; name: string }) {
  const { t } = useTranslation();
  const grants = useGrants(uri);
  const [access, setAccess] = useState<Access>("read");
  const [notify, setNotify] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notMailed, setNotMailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const save = async (change: Change) => {
    setBusy(true);
    setError(null);
    setNotMailed(false);
    try {
      const { mailSent } = await setGrants(uri, change);
      setNotMailed(mailSent === false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const entries = grants.data ?? [];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("people.intro", { name })}
      </Text>
      <AddPeople
        access={access}
        onAccess={setAccess}
        taken={new Set(entries.map((e) => `${e.kind}:${e.id}`))}
        busy={busy}
        onAdd={(kind, id) =>
          save(kind === "user" ? { users: { [id]: access }, notify } : { groups: { [id]: access } })
        }
      />
      <Checkbox
        size="xs"
        label={t("people.notify")}
        checked={notify}
        onChange={(e) => setNotify(e.currentTarget.checked)}
      />
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {notMailed && (
        <Alert color="yellow" role="status" data-testid="people-not-mailed">
          {t("people.notMailed")}
        </Alert>
      )}
      <Text fw={500} size="sm">
        {t("people.withAccess")}
      </Text>
      {grants.isLoading ? (
        <Loader size="sm" />
      ) : entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("people.nobody")}
        </Text>
      ) : (
        <Stack gap={6} role="list" aria-label={t("people.withAccess")}>
          {entries.map((entry) => (
            <GrantRow key={`${entry.kind}:${entry.id}`} entry={entry} busy={busy} onSave={save} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/** The search box, its answers and the owner's own group, each added with `access`. */
function AddPeople({
  access,
  onAccess,
  taken,
  busy,
  onAdd,
}: {
  access: Access;
  onAccess: (a: Access) => void;
  taken: Set<string>;
  busy: boolean;
  onAdd: (kind: "user" | "group", id: string) => void;
}) {
  const { t } = useTranslation();
  const me = useSession()?.user;
  const [keyword, setKeyword] = useState("");
  const [debounced] = useDebouncedValue(keyword, 250);
  const search = useUserSearch(debounced);
  const found = (search.data ?? []).filter((u) => u.id !== me?.id);
  const group = me?.group;
  const short = debounced.trim().length > 0 && debounced.trim().length < 3;
  return (
    <Stack gap={6}>
      <Group gap="xs" wrap="nowrap" align="end">
        <TextInput
          style={{ flex: 1, minWidth: 0 }}
          label={t("people.find")}
          placeholder={t("people.findHint")}
          value={keyword}
          onChange={(e) => setKeyword(e.currentTarget.value)}
          rightSection={search.isFetching ? <Loader size="xs" /> : null}
        />
        <AccessSelect value={access} onChange={onAccess} label={t("people.newAccess")} />
      </Group>
      {short && (
        <Text size="xs" c="dimmed">
          {t("people.tooShort")}
        </Text>
      )}
      {search.isSuccess && debounced.trim().length >= 3 && found.length === 0 && (
        <Text size="xs" c="dimmed">
          {t("people.noMatch")}
        </Text>
      )}
      {found.map((user) => (
        <FoundUser
          key={user.id}
          user={user}
          added={taken.has(`user:${user.id}`)}
          busy={busy}
          onAdd={() => {
            onAdd("user", user.id);
            setKeyword("");
          }}
        />
      ))}
      {group && !taken.has(`group:${group.id}`) && (
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconUsersGroup size={16} />}
          style={{ alignSelf: "flex-start" }}
          disabled={busy}
          onClick={() => onAdd("group", group.id)}
        >
          {t("people.addGroup", { name: group.name })}
        </Button>
      )}
    </Stack>
  );
}

/** One person the search found, with the button that adds them. */
function FoundUser({
  user,
  added,
  busy,
  onAdd,
}: {
  user: PublicUser;
  added: boolean;
  busy: boolean;
  onAdd: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Avatar src={`/api/v4/user/avatar/${user.id}`} size={28} radius="xl" alt="">
        {user.nickname.slice(0, 1).toUpperCase()}
      </Avatar>
      <Text size="sm" style={{ flex: 1, minWidth: 0 }} truncate>
        {user.nickname}
        {user.email ? ` · ${user.email}` : ""}
      </Text>
      <Button
        size="compact-sm"
        variant="light"
        disabled={busy || added}
        onClick={onAdd}
        aria-label={t("people.addNamed", { name: user.nickname })}
      >
        {added ? t("people.added") : t("people.add")}
      </Button>
    </Group>
  );
}

function GrantRow({
  entry,
  busy,
  onSave,
}: {
  entry: Grant;
  busy: boolean;
  onSave: (change: Change) => void;
}) {
  const { t } = useTranslation();
  const key = entry.kind === "user" ? "users" : "groups";
  return (
    <Group gap="xs" wrap="nowrap" role="listitem" aria-label={entry.name}>
      {entry.kind === "user" ? (
        <Avatar src={entry.avatar} size={28} radius="xl" alt="">
          {entry.name.slice(0, 1).toUpperCase()}
        </Avatar>
      ) : (
        <Avatar size={28} radius="xl" color="grape">
          <IconUsersGroup size={16} />
        </Avatar>
      )}
      <Text size="sm" style={{ flex: 1, minWidth: 0 }} truncate>
        {entry.name}
      </Text>
      {entry.kind === "group" && (
        <Badge variant="light" size="sm">
          {t("people.group")}
        </Badge>
      )}
      <AccessSelect
        value={entry.access === "write" ? "write" : "read"}
        label={t("people.accessOf", { name: entry.name })}
        hideLabel
        disabled={busy}
        onChange={(access) => onSave({ [key]: { [entry.id]: access } })}
      />
      <ActionIcon
        variant="subtle"
        color="gray"
        disabled={busy}
        aria-label={t("people.remove", { name: entry.name })}
        onClick={() => onSave({ [key]: { [entry.id]: "none" } })}
      >
        <IconX size={16} />
      </ActionIcon>
    </Group>
  );
}

function AccessSelect({
  value,
  onChange,
  label,
  hideLabel,
  disabled,
}: {
  value: Access;
  onChange: (a: Access) => void;
  label: string;
  hideLabel?: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Select
      w={130}
      label={hideLabel ? undefined : label}
      aria-label={label}
      allowDeselect={false}
      disabled={disabled}
      value={value}
      onChange={(v) => v && onChange(v as Access)}
      data={[
        { value: "read", label: t("people.read") },
        { value: "write", label: t("people.write") },
      ]}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
