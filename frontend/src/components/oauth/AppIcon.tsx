// An app's icon (a URL or a site path from its `props.icon`), or a neutral glyph when it has
// none or the picture does not load.
import { Avatar } from "@mantine/core";
import { IconApps } from "@tabler/icons-react";
import { useState } from "react";

export function AppIcon({ src, size = 48 }: { src?: string | null; size?: number }) {
  const [failed, setFailed] = useState(false);
  return (
    <Avatar
      src={src && !failed ? src : null}
      alt=""
      size={size}
      radius="md"
      variant="light"
      imageProps={{ onError: () => setFailed(true) }}
    >
      <IconApps size={size * 0.55} aria-hidden />
    </Avatar>
  );
}
