// The OAuth pages as one chunk, loaded only when an app sends someone here.
export { default as Authorize } from "./Authorize";
export { DesktopCallback, IosCallback } from "./MountCallback";
