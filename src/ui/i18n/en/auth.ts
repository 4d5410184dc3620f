// English strings of the sign-in screen (see common.ts for the rules every catalogue follows).
export const auth = {
  intro: 'Sign in to collect assessments. Your work is kept on this device and sent when there is a connection.',
  offline: 'You are offline. Signing in needs a connection once.',
  email: 'Email',
  password: 'Password',
  emailMissing: 'Enter your email.',
  passwordMissing: 'Enter your password.',
  submit: 'Sign in',
  submitting: 'Signing in…',
  failure: {
    offline: 'You are offline. Signing in needs a connection once; after that the app works without one.',
    invalidCredentials: 'Wrong email or password.',
    rateLimited: 'Too many attempts. Try again later.',
    rateLimitedFor_one: 'Too many attempts. Try again in {{count}} minute.',
    rateLimitedFor_other: 'Too many attempts. Try again in {{count}} minutes.',
    server: 'Sign-in failed: {{message}}',
    unexpected: 'Sign-in failed: the server sent an unexpected answer.',
  },
} as const;
