// Where the explorer is: the folder's breadcrumbs (drop targets in my files) and how many
// items it holds, or "search results" after the searched folder.
import { Box, Breadcrumbs, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { AnchorLink } from "../../../components/links";
import { ancestors, type ParsedUri, SHARED_WITH_ME_ROOT } from "../../../lib/uri";
import { type DropHandler, dropTarget } from "../move/dnd";

type Props = {
  parsed: ParsedUri | null;
  fs: string;
  searching: boolean;
  rootName: string;
  /** "12 items", once the listing answered. */
  count?: string;
  onDrop: DropHandler;
};

export function Crumbs({ parsed, fs, searching, rootName, count, onDrop }: Props) {
  const { t } = useTranslation();
  const crumbs = parsed ? ancestors(parsed) : [];
  const inGrant = fs === "my" && !!parsed?.id;
  return (
    <Box component="nav" aria-label={t("explorer.breadcrumbs")} miw={0}>
      <Breadcrumbs separatorMargin={4}>
        {inGrant && (
          <AnchorLink to="/home" search={{ path: SHARED_WITH_ME_ROOT }} truncate>
            {t("nav.sharedWithMe")}
          </AnchorLink>
        )}
        {crumbs.map((uri, i) => {
          const label = i === 0 ? rootName : parsed?.segments[i - 1];
          // Another owner's drive opens only where they shared: its root is a name, not a link.
          return (i === crumbs.length - 1 && !searching) || (i === 0 && inGrant) ? (
            <Text
              key={uri}
              fw={i === crumbs.length - 1 ? 600 : undefined}
              truncate
              aria-current={i === crumbs.length - 1 ? "page" : undefined}
            >
              {label}
            </Text>
          ) : (
            <span key={uri} {...(fs === "my" ? dropTarget(uri, onDrop) : {})}>
              <AnchorLink to="/home" search={{ path: uri }} truncate>
                {label}
              </AnchorLink>
            </span>
          );
        })}
        {searching && (
          <Text fw={600} truncate aria-current="page">
            {t("explorer.search.results")}
          </Text>
        )}
      </Breadcrumbs>
      {count !== undefined && (
        <Text size="xs" c="dimmed" data-testid="item-count">
          {count}
        </Text>
      )}
    </Box>
  );
}
