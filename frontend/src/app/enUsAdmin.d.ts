// The admin console's en-US strings, split from the bundled en-US.json by vite.config.ts.
declare module "*/en-US.json?admin" {
  const strings: { admin: Record<string, unknown> };
  export default strings;
}
