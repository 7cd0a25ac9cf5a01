// A photo's EXIF in the info panel (photoInfo.ts reads it): camera, lens, exposure, when and
// where it was taken, size and credits; only the rows it has.
import { Anchor, Text } from "@mantine/core";
import { IconExternalLink } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { DetailTable, type Row } from "./DetailTable";
import type { Photo } from "./photoInfo";

export function PhotoDetails({ photo }: { photo: Photo }) {
  const { t } = useTranslation();
  const rows: Row[] = [
    [t("explorer.info.camera"), photo.camera],
    [t("explorer.info.lens"), photo.lens],
    [
      t("explorer.info.exposure"),
      photo.exposure.length > 0 &&
        photo.exposure.map((part, i) => (
          <span key={part}>
            {i > 0 && " · "}
            <span style={{ whiteSpace: "nowrap" }}>{part}</span>
          </span>
        )),
    ],
    [t("explorer.info.takenAt"), photo.takenAt],
    [t("explorer.info.dimensions"), photo.dimensions],
    [t("explorer.info.place"), photo.location && <Place place={photo.location} />],
    [t("explorer.info.software"), photo.software],
    [t("explorer.info.artist"), photo.artist],
    [t("explorer.info.copyright"), photo.copyright],
  ];
  return <DetailTable id="photo" title={t("explorer.info.photo")} rows={rows} testId="photo" />;
}

function Place({ place }: { place: NonNullable<Photo["location"]> }) {
  const { t } = useTranslation();
  return (
    <>
      <Anchor
        href={place.url}
        target="_blank"
        rel="noopener noreferrer"
        size="sm"
        aria-label={t("explorer.info.openMap", { place: place.text })}
        title={t("explorer.info.openMap", { place: place.text })}
      >
        {place.text}
        <IconExternalLink
          size={12}
          aria-hidden
          style={{ marginInlineStart: 4, verticalAlign: "-1px" }}
        />
      </Anchor>
      {place.altitude && (
        <Text size="sm" c="dimmed">
          {t("explorer.info.altitude", { height: place.altitude })}
        </Text>
      )}
    </>
  );
}
