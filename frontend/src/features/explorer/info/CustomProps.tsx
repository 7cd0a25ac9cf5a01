// Custom properties in the info panel: every property the site defines (`explorer.custom_props`)
// with an editor of its type. A value is public metadata `props:<id>`; clearing it removes the
// key. The server checks each value against the definition and has the last word.
import { Anchor, Loader, Stack, Text, Title } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../../../api/client";
import { patchMetadata } from "../../../api/files/files";
import { useExplorerConfig } from "../../../api/siteConfig";

// The editors (number, multi-select, rating and text inputs) load with the first one shown: the
// list's columns import this file for the helpers above, and they are part of the first load.
const PropEditor = lazy(() => import("./PropEditor").then((m) => ({ default: m.PropEditor })));

export type CustomProp = Schemas["CustomProp"];
export const PROPS_PREFIX = "props:";

/** The site's property definitions (shared with the list view's columns). */
export function useCustomProps(): CustomProp[] {
  const explorer = useExplorerConfig();
  return explorer.data?.custom_props ?? [];
}

/** A property's display name: Cloudreve's built-in `fileManager.*` names are translated. */
export function usePropName() {
  const { t } = useTranslation();
  return (prop: CustomProp) => {
    const builtin = prop.name.match(/^fileManager\.(description|rating)$/);
    if (!builtin) return prop.name;
    return builtin[1] === "rating"
      ? t("customProps.builtin.rating")
      : t("customProps.builtin.description");
  };
}

/** A stored value as text for a list cell or a read-only panel. */
export function propText(prop: CustomProp, value: string | undefined): string {
  if (!value) return "";
  if (prop.type === "multi_select") {
    try {
      return (JSON.parse(value) as string[]).join(", ");
    } catch {
      return value;
    }
  }
  if (prop.type === "rating") return "★".repeat(Number(value) || 0);
  return value;
}

type Props = {
  uri: string;
  metadata: Record<string, string>;
  owned: boolean;
  run: (change: () => Promise<void>) => Promise<void>;
  reload: () => void;
};

export function CustomPropsSection({ uri, metadata, owned, run, reload }: Props) {
  const { t } = useTranslation();
  const props = useCustomProps();
  const name = usePropName();
  const shown = owned ? props : props.filter((p) => metadata[PROPS_PREFIX + p.id]);
  if (shown.length === 0) return null;

  const save = (prop: CustomProp, value: string) =>
    run(async () => {
      const key = PROPS_PREFIX + prop.id;
      if ((metadata[key] ?? "") === value) return;
      const patch = value === "" ? { key, remove: true } : { key, value };
      await patchMetadata([uri], [patch]);
      reload();
    });

  return (
    <section aria-labelledby="custom-props-title" data-testid="custom-props">
      <Title order={4} id="custom-props-title" mb="xs">
        {t("customProps.title")}
      </Title>
      <Suspense fallback={<Loader size="sm" aria-label={t("explorer.loading")} />}>
        <Stack gap="sm">
          {shown.map((prop) => {
            const value = metadata[PROPS_PREFIX + prop.id] ?? "";
            return owned ? (
              <PropEditor
                key={`${uri}-${prop.id}-${value}`}
                prop={prop}
                label={name(prop)}
                value={value}
                onSave={(v) => void save(prop, v)}
              />
            ) : (
              <div key={prop.id}>
                <Text size="sm" fw={500}>
                  {name(prop)}
                </Text>
                {prop.type === "link" ? (
                  <Anchor href={value} target="_blank" rel="noopener noreferrer" size="sm">
                    {value}
                  </Anchor>
                ) : (
                  <Text size="sm">{propText(prop, value)}</Text>
                )}
              </div>
            );
          })}
        </Stack>
      </Suspense>
    </section>
  );
}
