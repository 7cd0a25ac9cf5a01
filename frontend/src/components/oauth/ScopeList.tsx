// The requested scopes in plain words, one line each; a scope this page does not know is shown
// by its name, so nothing asked for is hidden from the user.
import "@mantine/core/styles/List.css";
import "@mantine/core/styles/ThemeIcon.css";
import { List, Text, ThemeIcon } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { ordered, scopeKey } from "./scopes";

export function scopeWords(scope: string, t: (key: string) => string): string {
  const key = scopeKey(scope);
  return key ? t(`oauth.scope.${key}`) : scope;
}

/** `compact`: small dimmed bullets, for the list of connected apps. */
export function ScopeList({ scopes, compact }: { scopes: string[]; compact?: boolean }) {
  const { t } = useTranslation();
  const say = (key: string) => t(key as "oauth.scope.openid");
  if (compact) {
    return (
      <List size="xs" spacing={2} c="dimmed" withPadding>
        {ordered(scopes).map((scope) => (
          <List.Item key={scope}>{scopeWords(scope, say)}</List.Item>
        ))}
      </List>
    );
  }
  return (
    <List
      spacing="xs"
      size="sm"
      center
      icon={
        <ThemeIcon size={20} radius="xl" variant="light">
          <IconCheck size={13} aria-hidden />
        </ThemeIcon>
      }
    >
      {ordered(scopes).map((scope) => (
        <List.Item key={scope}>
          <Text size="sm" span>
            {scopeWords(scope, say)}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
