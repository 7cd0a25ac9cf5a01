// Choosing users by e-mail, nickname or id: what is typed is looked up on the server (the
// users list searched by e-mail), and a number is also offered as that user id.
import "@mantine/core/styles/Pill.css";
import "@mantine/core/styles/PillsInput.css";
import { MultiSelect, Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { searchUsers } from "./backupApi";

type Choice = { value: string; label: string };

const label = (u: { id: number; nick: string; email: string }) => `${u.nick} <${u.email}> #${u.id}`;

function useUserChoices(search: string, chosen: number[]) {
  const [settled] = useDebouncedValue(search.trim(), 250);
  const found = useQuery({
    queryKey: ["admin", "users", "pick", settled],
    queryFn: () => searchUsers(settled),
    placeholderData: keepPreviousData,
  });
  // The chosen ones stay named while another search is shown.
  const [named, setNamed] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    if (!found.data?.length) return;
    setNamed((m) => {
      const next = new Map(m);
      for (const u of found.data) next.set(u.id, label(u));
      return next;
    });
  }, [found.data]);
  const choices = new Map<string, string>();
  for (const u of found.data ?? []) choices.set(String(u.id), label(u));
  for (const id of chosen)
    if (!choices.has(String(id))) choices.set(String(id), named.get(id) ?? `#${id}`);
  if (/^\d+$/.test(settled) && !choices.has(settled)) choices.set(settled, `#${settled}`);
  const data: Choice[] = [...choices].map(([value, label]) => ({ value, label }));
  return { data, loading: found.isFetching };
}

export function UsersPicker(props: { value: number[]; onChange: (ids: number[]) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const { data } = useUserChoices(search, props.value);
  return (
    <MultiSelect
      label={t("admin.backup.tasks.users")}
      description={t("admin.backup.tasks.usersHint")}
      data={data}
      value={props.value.map(String)}
      onChange={(values) => props.onChange(values.map(Number))}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      required
    />
  );
}

export function UserPicker(props: { value: number | null; onChange: (id: number | null) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const { data } = useUserChoices(search, props.value ? [props.value] : []);
  return (
    <Select
      label={t("admin.backup.tasks.user")}
      description={t("admin.backup.tasks.usersHint")}
      data={data}
      value={props.value ? String(props.value) : null}
      onChange={(v) => props.onChange(v ? Number(v) : null)}
      searchable
      onSearchChange={setSearch}
      filter={({ options }) => options}
      required
    />
  );
}
