// The extra sidebar links an administrator adds (`basic.custom_nav_items`). Links to other
// sites open in a new tab; paths of this site open in place.
import { NavLink } from "@mantine/core";
import { IconExternalLink, IconLink } from "@tabler/icons-react";
import type { SiteConfig } from "../api/client";

export function CustomNavLinks({ items }: { items?: SiteConfig["custom_nav_items"] }) {
  if (!items?.length) return null;
  return (
    <>
      {items.map((item) => {
        const external = /^https?:\/\//i.test(item.url);
        return (
          <NavLink
            key={`${item.name}-${item.url}`}
            component="a"
            href={item.url}
            label={item.name}
            data-testid="custom-nav-item"
            leftSection={<IconLink size={18} stroke={1.6} />}
            rightSection={external ? <IconExternalLink size={14} stroke={1.6} /> : undefined}
            {...(external ? { target: "_blank", rel: "noopener noreferrer" } : {})}
          />
        );
      })}
    </>
  );
}
