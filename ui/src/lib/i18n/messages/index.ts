/**
 * Every message in every language, gathered from the area files. Each area file exports `en`
 * and `ko` with the same keys (`ko` is typed by `en`'s keys, so a missing or extra key fails to
 * compile); keys start with the area's name, so areas never collide.
 */
import * as app from './app';
import * as chat from './chat';
import * as errors from './errors';
import * as images from './images';
import * as lmstudio from './lmstudio';
import * as privacy from './privacy';
import * as providers from './providers';
import * as settings from './settings';
import * as start from './start';
import * as wizard from './wizard';

export type Lang = 'en' | 'ko';

/** Each area's English table, for the check that no key is in two areas (a spread would hide it). */
export const AREAS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  app: app.en,
  chat: chat.en,
  errors: errors.en,
  images: images.en,
  lmstudio: lmstudio.en,
  privacy: privacy.en,
  providers: providers.en,
  settings: settings.en,
  start: start.en,
  wizard: wizard.en,
};

const en = {
  ...app.en,
  ...chat.en,
  ...errors.en,
  ...images.en,
  ...lmstudio.en,
  ...privacy.en,
  ...providers.en,
  ...settings.en,
  ...start.en,
  ...wizard.en,
};

export type MessageKey = keyof typeof en;

export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = {
  en,
  ko: {
    ...app.ko,
    ...chat.ko,
    ...errors.ko,
    ...images.ko,
    ...lmstudio.ko,
    ...privacy.ko,
    ...providers.ko,
    ...settings.ko,
    ...start.ko,
    ...wizard.ko,
  },
};
