// The en-US sections split from the bundled en-US.json by vite.config.ts (`sectionsApart`).
declare module "*/en-US.json?admin" {
  const strings: { admin: Record<string, unknown> };
  export default strings;
}
declare module "*/en-US.json?oauth" {
  const strings: { oauth: Record<string, unknown> };
  export default strings;
}
