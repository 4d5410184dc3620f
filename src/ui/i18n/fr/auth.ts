import type { Catalog } from '../catalog';
import type { auth as en } from '../en/auth';

export const auth = {
  intro: 'Connectez-vous pour collecter des évaluations. Votre travail est conservé sur cet appareil et envoyé dès qu’une connexion est disponible.',
  offline: 'Vous êtes hors ligne. La première connexion nécessite le réseau.',
  email: 'E-mail',
  password: 'Mot de passe',
  emailMissing: 'Saisissez votre e-mail.',
  passwordMissing: 'Saisissez votre mot de passe.',
  submit: 'Se connecter',
  submitting: 'Connexion…',
  failure: {
    offline: 'Vous êtes hors ligne. La première connexion nécessite le réseau ; ensuite, l’application fonctionne sans.',
    invalidCredentials: 'E-mail ou mot de passe incorrect.',
    rateLimited: 'Trop de tentatives. Réessayez plus tard.',
    rateLimitedFor_one: 'Trop de tentatives. Réessayez dans {{count}} minute.',
    rateLimitedFor_many: 'Trop de tentatives. Réessayez dans {{count}} minutes.',
    rateLimitedFor_other: 'Trop de tentatives. Réessayez dans {{count}} minutes.',
    server: 'Échec de la connexion : {{message}}',
    unexpected: 'Échec de la connexion : le serveur a envoyé une réponse inattendue.',
  },
} satisfies Catalog<typeof en>;
