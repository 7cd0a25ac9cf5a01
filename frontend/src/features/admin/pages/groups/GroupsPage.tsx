// Groups: each with its quota, speed limit, storage policy and whether it administers the site;
// create, edit and delete (the server refuses to delete a group in use, and says why).
import { useTranslation } from "react-i18next";
import { type AdminGroup, deleteGroup, listGroups } from "../../api";
import { EditableList } from "../../EditableList";
import { GroupDialog } from "./GroupDialog";
import { groupColumns } from "./groupColumns";

export default function GroupsPage() {
  const { t } = useTranslation();
  return (
    <EditableList<AdminGroup>
      id="groups"
      title={t("admin.nav.groups")}
      fetchPage={listGroups}
      columns={(open) => groupColumns(t, open)}
      rowKey={(g) => g.id}
      rowName={(g) => g.name}
      defaultOrder={{ by: "id", direction: "asc" }}
      createLabel={t("admin.groups.create")}
      edit={{
        tip: t("admin.groups.edit"),
        label: (g) => t("admin.groups.editNamed", { name: g.name }),
      }}
      remove={{
        tip: t("admin.groups.delete"),
        label: (g) => t("admin.groups.deleteNamed", { name: g.name }),
        title: (g) => t("admin.groups.deleteTitle", { name: g.name }),
        what: t("admin.groups.deleteWhat"),
        run: (g) => deleteGroup(g.id),
      }}
      dialog={(group, close, saved) => (
        <GroupDialog groupId={group?.id ?? null} onClose={close} onSaved={saved} />
      )}
    />
  );
}
