// Dropping files or folders anywhere on the page uploads them into the folder shown. Only drags
// that carry files are taken (not rows dragged inside the page); an overlay says where they go.
import { Overlay, Stack, Text } from "@mantine/core";
import { IconUpload } from "@tabler/icons-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { fromDrop } from "./pick";
import { startUpload } from "./start";
import classes from "./UploadPanel.module.css";

type Props = { folder: string; policyId?: string; folderName: string };

const carriesFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes("Files");

export function DropZone({ folder, policyId, folderName }: Props) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every element crossed: count them to know when it left the page.
  const depth = useRef(0);
  const target = useRef({ folder, policyId });
  target.current = { folder, policyId };

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e) || !target.current.policyId) return;
      depth.current += 1;
      setOver(true);
    };
    const overPage = (e: DragEvent) => {
      if (!carriesFiles(e) || !target.current.policyId) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      depth.current = 0;
      setOver(false);
      const { folder: into, policyId: policy } = target.current;
      if (!carriesFiles(e) || !policy || !e.dataTransfer || e.defaultPrevented) return;
      e.preventDefault();
      fromDrop(e.dataTransfer).then((picked) => startUpload(picked, into, policy));
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragover", overPage);
    window.addEventListener("dragleave", leave);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragover", overPage);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("drop", drop);
    };
  }, []);

  if (!over) return null;
  return (
    <Overlay fixed zIndex={300} backgroundOpacity={0.75} blur={3} className={classes.drop}>
      <Stack align="center" justify="center" h="100%" gap="xs" data-testid="drop-overlay">
        <IconUpload size={48} color="white" aria-hidden />
        <Text c="white" fw={600} size="lg" ta="center" px="md">
          {t("transfer.dropHere", { folder: folderName })}
        </Text>
      </Stack>
    </Overlay>
  );
}
