// The signed-out pages as one chunk: once the first is drawn, a link to another switches at once
// instead of leaving the old form on screen while the next page's code downloads.

export { default as Activate } from "./Activate";
export { default as ForgotPassword } from "./ForgotPassword";
export { default as OidcLanding } from "./OidcLanding";
export { default as ResetPassword } from "./ResetPassword";
export { default as SignIn } from "./SignIn";
export { default as SignUp } from "./SignUp";
