import type { Catalog } from '../catalog';
import type { auth as en } from '../en/auth';

export const auth = {
  intro: 'Inicie sesión para recoger evaluaciones. Su trabajo se guarda en este dispositivo y se envía cuando hay conexión.',
  offline: 'Está sin conexión. Para iniciar sesión se necesita conexión una vez.',
  email: 'Correo electrónico',
  password: 'Contraseña',
  emailMissing: 'Escriba su correo electrónico.',
  passwordMissing: 'Escriba su contraseña.',
  submit: 'Iniciar sesión',
  submitting: 'Iniciando sesión…',
  failure: {
    offline: 'Está sin conexión. Para iniciar sesión se necesita conexión una vez; después la aplicación funciona sin ella.',
    invalidCredentials: 'Correo electrónico o contraseña incorrectos.',
    rateLimited: 'Demasiados intentos. Vuelva a intentarlo más tarde.',
    rateLimitedFor_one: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minuto.',
    rateLimitedFor_many: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minutos.',
    rateLimitedFor_other: 'Demasiados intentos. Vuelva a intentarlo en {{count}} minutos.',
    server: 'No se pudo iniciar sesión: {{message}}',
    unexpected: 'No se pudo iniciar sesión: el servidor envió una respuesta inesperada.',
  },
} satisfies Catalog<typeof en>;
