// Whether the screen is a phone's: narrower than Mantine's `sm` breakpoint (768 px), where the
// explorer's toolbar keeps one row and the upload button floats under the thumb.
import { useMediaQuery } from "@mantine/hooks";

export const PHONE_QUERY = "(max-width: 47.99em)";

export function useIsPhone(): boolean {
  // Rendered first as not a phone, so a desktop never flashes the phone layout.
  return useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false }) ?? false;
}
