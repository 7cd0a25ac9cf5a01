// The thumbnail generators and metadata readers of the media tab, a card each: on/off, the
// executable with a "Test" button that runs it on the server (`thumbExecutable`) and shows the
// version it printed or why it could not run (the saved path is checked as the tab opens), its
// extensions, largest file and own options.
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../../api/client";
import { errorMessage } from "../../../../lib/errors";
import { isOn, SettingField } from "./SettingField";
import { EXECUTABLE, type Field, type Generator } from "./schema";
import { testExecutable, useDetectedExecutable } from "./settingsApi";

type Props = {
  generators: Generator[];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (key: string, value: string) => void;
};

export function Generators({ generators, ...form }: Props) {
  const { t } = useTranslation();
  const thumbs = generators.filter((g) => !g.reader);
  const readers = generators.filter((g) => g.reader);
  return (
    <>
      {[
        { id: "thumbs", title: t("admin.settings.generators.thumbs"), list: thumbs },
        { id: "readers", title: t("admin.settings.generators.readers"), list: readers },
      ].map((part) => (
        <section key={part.id} aria-labelledby={`generators-${part.id}`}>
          <Title order={3} size="h5" id={`generators-${part.id}`} mb="xs">
            {part.title}
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
            {part.list.map((g) => (
              <GeneratorCard key={g.id} generator={g} {...form} />
            ))}
          </SimpleGrid>
        </section>
      ))}
    </>
  );
}

function GeneratorCard({
  generator,
  values,
  errors,
  onChange,
}: Omit<Props, "generators"> & {
  generator: Generator;
}) {
  const { t } = useTranslation();
  const tk = t as unknown as (key: string) => string;
  const [enabled, ...rest] = generator.fields as [Field, ...Field[]];
  const on = isOn(values[enabled.key] ?? "");
  const title = tk(`admin.settings.generators.${generator.id}.title`);
  const input = (f: Field) => (
    <SettingField
      key={f.key}
      field={f}
      value={values[f.key] ?? ""}
      error={errors[f.key]}
      onChange={(v) => onChange(f.key, v)}
    />
  );
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`generator-${generator.id}`}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Title order={4} size="h6" id={`generator-${generator.id}`}>
              {title}
            </Title>
            <Text size="xs" c="dimmed">
              {tk(`admin.settings.generators.${generator.id}.about`)}
            </Text>
          </div>
          <Badge variant="light" color={on ? "green" : "gray"} style={{ flexShrink: 0 }}>
            {on ? t("admin.settings.generators.on") : t("admin.settings.generators.off")}
          </Badge>
        </Group>
        {input(enabled)}
        {rest.map((f) =>
          generator.tool && f.label === EXECUTABLE ? (
            <ExecutableField
              key={f.key}
              field={f}
              tool={generator.tool}
              title={title}
              value={values[f.key] ?? ""}
              error={errors[f.key]}
              onChange={(v) => onChange(f.key, v)}
            />
          ) : (
            input(f)
          ),
        )}
      </Stack>
    </Paper>
  );
}

type Result = { ok: boolean; text: string };

/** The server's words say why the executable could not run. */
const failure = (e: unknown) => (e instanceof ApiError ? e.message : errorMessage(e));

/** What the check of the saved path found, once it has answered. */
function detectedResult(q: { data?: string; error: unknown }): Result | null {
  if (q.data !== undefined) return { ok: true, text: q.data };
  return q.error ? { ok: false, text: failure(q.error) } : null;
}

/** The executable's path, and "Test" to run it on the server with the path as typed. */
function ExecutableField({
  field,
  tool,
  title,
  value,
  error,
  onChange,
}: {
  field: Field;
  tool: string;
  title: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [saved] = useState(value);
  const detected = useDetectedExecutable(tool, saved);
  const shown = result ?? (value === saved ? detectedResult(detected) : null);
  async function test() {
    setTesting(true);
    setResult(null);
    try {
      setResult({ ok: true, text: await testExecutable(tool, value) });
    } catch (e) {
      setResult({ ok: false, text: failure(e) });
    } finally {
      setTesting(false);
    }
  }
  const button = (
    <Button
      variant="light"
      size="compact-sm"
      loading={testing}
      disabled={value.trim() === ""}
      onClick={() => void test()}
      aria-label={t("admin.settings.generators.testOf", { name: title })}
    >
      {t("admin.settings.generators.test")}
    </Button>
  );
  return (
    <Stack gap={4}>
      <SettingField
        field={field}
        value={value}
        error={error}
        aside={button}
        onChange={(v) => {
          onChange(v);
          setResult(null);
        }}
      />
      {shown && (
        <Alert
          color={shown.ok ? "green" : "red"}
          role={shown.ok ? "status" : "alert"}
          title={t(
            shown.ok ? "admin.settings.generators.found" : "admin.settings.generators.failed",
          )}
          p="xs"
          style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
          data-testid={`test-result-${tool}`}
        >
          {shown.text}
        </Alert>
      )}
    </Stack>
  );
}
