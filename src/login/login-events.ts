/** How audit rows and metrics name the login's outcomes (the `provider` of an exchange event). */
export const LOGIN_EVENTS = {
  login: 'oidc-login',
  logout: 'oidc-logout',
  code: 'oidc-code',
  refresh: 'oidc-refresh',
} as const;
