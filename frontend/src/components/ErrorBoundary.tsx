// The last line against a blank page: an error while drawing shows what failed and a way back.
import { Alert, Button, Code, Group, Stack } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { Component, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

export function ErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Stack p="lg" maw={640} mx="auto" role="alert">
      <Alert color="red" icon={<IconAlertTriangle />} title={t("error.pageTitle")}>
        <Stack gap="sm">
          {t("error.pageBody")}
          <Code block>{message}</Code>
        </Stack>
      </Alert>
      <Group>
        {onRetry && <Button onClick={onRetry}>{t("error.retry")}</Button>}
        <Button variant="default" component="a" href="/home">
          {t("error.home")}
        </Button>
      </Group>
    </Stack>
  );
}

type Props = { children: ReactNode };
type State = { error: unknown };

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  render() {
    if (this.state.error) {
      return <ErrorView error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
