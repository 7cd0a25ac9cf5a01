//! ePub, read with epub.js (a lazy chunk of its own, with JSZip): one page at a time, turned by
//! the buttons or the arrow and page keys, the table of contents as a menu, the reading
//! position kept per file, light or dark with the app. The chapters' scripts never run (epub.ts).
import {
  ActionIcon,
  Center,
  Loader,
  Menu,
  ScrollArea,
  Text,
  Tooltip,
  useComputedColorScheme,
} from "@mantine/core";
import { IconChevronLeft, IconChevronRight, IconList } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { NavItem, Rendition } from "epubjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { FileInfo } from "../../api/client";
import { fetchBytes } from "../../api/files/content";
import { errorMessage } from "../../lib/errors";
import { type Place, useEpub } from "./epub";
import classes from "./Preview.module.css";
import { PreviewFailed } from "./PreviewFailed";

export default function EpubPreview({ file }: { file: FileInfo }) {
  const { t } = useTranslation();
  const bytes = useQuery({
    queryKey: ["preview", "epub", file.path, file.primary_entity],
    queryFn: ({ signal }) => fetchBytes(file.path, signal),
    gcTime: 0,
  });
  const dark = useComputedColorScheme("light") === "dark";
  const host = useRef<HTMLDivElement>(null);
  const { rendition, toc, place, failed } = useEpub(bytes.data, host, file.id, dark);

  const error = bytes.error ?? failed;
  if (error) {
    return <PreviewFailed>{errorMessage(error)}</PreviewFailed>;
  }
  return (
    <>
      <EpubToolbar rendition={rendition} toc={toc} place={place} />
      <div className={classes.epubArea}>
        {!place && (
          <Center className={classes.epubLoading}>
            <Loader aria-label={t("preview.loading")} />
          </Center>
        )}
        <div
          ref={host}
          className={classes.epubPages}
          data-testid="preview-epub"
          data-href={place?.href}
          data-page={place?.page}
        />
      </div>
    </>
  );
}

function EpubToolbar({
  rendition,
  toc,
  place,
}: {
  rendition: Rendition | null;
  toc: NavItem[];
  place: Place | null;
}) {
  const { t } = useTranslation();
  return (
    <div className={classes.toolbar}>
      <Contents rendition={rendition} toc={toc} current={place?.href} />
      <ActionIcon
        variant="default"
        ml="auto"
        aria-label={t("preview.previousPage")}
        disabled={!rendition || !place || place.atStart}
        onClick={() => void rendition?.prev()}
      >
        <IconChevronLeft size={16} />
      </ActionIcon>
      <Text size="sm" aria-live="polite" miw={96} ta="center" data-testid="preview-epub-page">
        {place ? t("preview.page", { page: place.page, count: place.pages }) : ""}
      </Text>
      <ActionIcon
        variant="default"
        mr="auto"
        aria-label={t("preview.nextPage")}
        disabled={!rendition || !place || place.atEnd}
        onClick={() => void rendition?.next()}
      >
        <IconChevronRight size={16} />
      </ActionIcon>
    </div>
  );
}

/** The table of contents as a menu; choosing a chapter shows its first page. */
function Contents({
  rendition,
  toc,
  current,
}: {
  rendition: Rendition | null;
  toc: NavItem[];
  current?: string;
}) {
  const { t } = useTranslation();
  const items = flatten(toc);
  return (
    <Menu position="bottom-start" shadow="md" disabled={!rendition || items.length === 0}>
      <Menu.Target>
        <Tooltip label={t("preview.epub.contents")}>
          <ActionIcon
            variant="default"
            aria-label={t("preview.epub.contents")}
            disabled={!rendition || items.length === 0}
          >
            <IconList size={16} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown maw="min(420px, 90vw)">
        <ScrollArea.Autosize mah="60vh">
          {items.map(({ item, depth }) => (
            <Menu.Item
              key={item.id || item.href}
              pl={12 + depth * 16}
              fw={current && item.href.split("#")[0] === current ? 600 : undefined}
              onClick={() => void rendition?.display(item.href)}
            >
              {item.label.trim()}
            </Menu.Item>
          ))}
        </ScrollArea.Autosize>
      </Menu.Dropdown>
    </Menu>
  );
}

function flatten(items: NavItem[], depth = 0): { item: NavItem; depth: number }[] {
  return items.flatMap((item) => [{ item, depth }, ...flatten(item.subitems ?? [], depth + 1)]);
}
