// The user's tasks: General (archives, extraction, ...), Downloading and Downloaded (remote
// downloads), newest first, more loaded as the list scrolls. Running tasks follow their live
// stream (the first few; the rest are refreshed with the list).
import { Alert, Button, Center, Loader, Stack, Tabs, Text, Title } from "@mantine/core";
import { useIntersection } from "@mantine/hooks";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect } from "react";
import { useTranslation } from "react-i18next";
import {
  ENDED,
  invalidateTasks,
  TASK_CATEGORIES,
  type TaskCategory,
  useTasks,
} from "../../api/tasks/tasks";
import { errorMessage } from "../../lib/errors";
import { TaskCard } from "./TaskCard";

/** Streams open at once: a browser holds six connections to a host over HTTP/1.1. */
const MAX_STREAMS = 3;
const PAGE_SIZE = 20;

export default function TasksPage() {
  const { t } = useTranslation();
  const { category } = useSearch({ from: "/app/tasks" });
  const navigate = useNavigate();
  return (
    <Stack gap="md" maw={960}>
      <Title order={2}>{t("tasks.title")}</Title>
      <Tabs
        value={category}
        onChange={(value) =>
          navigate({ to: "/tasks", search: { category: (value as TaskCategory) ?? "general" } })
        }
        keepMounted={false}
      >
        <Tabs.List>
          {TASK_CATEGORIES.map((c) => (
            <Tabs.Tab key={c} value={c}>
              {t(`tasks.category.${c}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TASK_CATEGORIES.map((c) => (
          <Tabs.Panel key={c} value={c} pt="md">
            <TaskList category={c} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

function TaskList({ category }: { category: TaskCategory }) {
  const { t } = useTranslation();
  const list = useTasks(category, PAGE_SIZE);
  const tasks = list.data?.pages.flatMap((p) => p.tasks) ?? [];
  const streamed = new Set(
    tasks
      .filter((task) => !ENDED.has(task.status))
      .slice(0, MAX_STREAMS)
      .map((task) => task.id),
  );
  const { ref, entry } = useIntersection({ rootMargin: "200px" });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const refresh = useCallback(() => void invalidateTasks(), []);

  if (list.isPending) {
    return (
      <Center>
        <Loader aria-label={t("tasks.loading")} />
      </Center>
    );
  }
  if (list.isError) {
    return (
      <Alert color="red" title={t("tasks.loadFailed")} role="alert">
        {errorMessage(list.error)}
      </Alert>
    );
  }
  if (tasks.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="xl">
        {t(`tasks.empty.${category}`)}
      </Text>
    );
  }
  return (
    <Stack gap="sm" data-testid="task-list">
      {tasks.map((task) => (
        <TaskCard key={task.id} task={task} stream={streamed.has(task.id)} onEnd={refresh} />
      ))}
      {hasNextPage && (
        <Center ref={ref}>
          <Button variant="subtle" loading={isFetchingNextPage} onClick={() => fetchNextPage()}>
            {t("tasks.loadMore")}
          </Button>
        </Center>
      )}
    </Stack>
  );
}
