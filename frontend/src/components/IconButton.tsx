// An icon-only button: its name is spoken (aria-label) and shown on hover and focus (tooltip),
// so that nobody has to guess what an icon does.
import { ActionIcon, type ActionIconProps, Tooltip } from "@mantine/core";
import { type ComponentPropsWithoutRef, forwardRef } from "react";

type Props = ActionIconProps &
  Omit<ComponentPropsWithoutRef<"button">, keyof ActionIconProps> & { label: string };

export const IconButton = forwardRef<HTMLButtonElement, Props>(({ label, ...props }, ref) => (
  <Tooltip label={label} openDelay={300} events={{ hover: true, focus: true, touch: false }}>
    <ActionIcon ref={ref} aria-label={label} {...props} />
  </Tooltip>
));
