// Mantine components that navigate inside the app, typed by the router. Mantine's polymorphic
// types do not pass through createLink, so each is first fixed to an <a>.
import {
  Anchor,
  type AnchorProps,
  Button,
  type ButtonProps,
  NavLink,
  type NavLinkProps,
} from "@mantine/core";
import { createLink } from "@tanstack/react-router";
import { type ComponentPropsWithoutRef, forwardRef } from "react";

type A<P> = P & Omit<ComponentPropsWithoutRef<"a">, keyof P>;

const AnchorA = forwardRef<HTMLAnchorElement, A<AnchorProps>>((props, ref) => (
  <Anchor component="a" ref={ref} {...props} />
));
const ButtonA = forwardRef<HTMLAnchorElement, A<ButtonProps>>((props, ref) => (
  <Button component="a" ref={ref} {...props} />
));
const NavLinkA = forwardRef<HTMLAnchorElement, A<NavLinkProps>>((props, ref) => (
  <NavLink component="a" ref={ref} {...props} />
));

export const AnchorLink = createLink(AnchorA);
export const ButtonLink = createLink(ButtonA);
export const NavRouterLink = createLink(NavLinkA);
