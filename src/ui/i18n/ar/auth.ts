import type { Catalog } from '../catalog';
import type { auth as en } from '../en/auth';

export const auth = {
  intro: 'سجّل الدخول لجمع التقييمات. يُحفظ عملك على هذا الجهاز ويُرسل عند توفر الاتصال.',
  offline: 'أنت غير متصل. يحتاج تسجيل الدخول إلى اتصال مرة واحدة.',
  email: 'البريد الإلكتروني',
  password: 'كلمة المرور',
  emailMissing: 'أدخل بريدك الإلكتروني.',
  passwordMissing: 'أدخل كلمة المرور.',
  submit: 'تسجيل الدخول',
  submitting: 'جارٍ تسجيل الدخول…',
  failure: {
    offline: 'أنت غير متصل. يحتاج تسجيل الدخول إلى اتصال مرة واحدة؛ بعدها يعمل التطبيق دونه.',
    invalidCredentials: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',
    rateLimited: 'محاولات كثيرة جدًا. حاول مرة أخرى لاحقًا.',
    rateLimitedFor_zero: 'محاولات كثيرة جدًا. حاول مرة أخرى الآن.',
    rateLimitedFor_one: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد دقيقة.',
    rateLimitedFor_two: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد دقيقتين.',
    rateLimitedFor_few: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد {{count}} دقائق.',
    rateLimitedFor_many: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد {{count}} دقيقة.',
    rateLimitedFor_other: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد {{count}} دقيقة.',
    server: 'تعذّر تسجيل الدخول: {{message}}',
    unexpected: 'تعذّر تسجيل الدخول: أرسل الخادم ردًا غير متوقع.',
  },
} satisfies Catalog<typeof en>;
