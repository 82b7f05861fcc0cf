import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { channelLabel, dimensionLabel, dimensionValueLabel, hasText, metricLabel, platformLabel, renderText, type LocalizedText } from '@flywheel/contracts';
import type { Lang } from '../format/numbers';
import { en } from './en';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogues: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'flywheel.lang';

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[lang][key] ?? zhCN[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
}

/** A key that may not exist (a metric or channel the server added later): falls back to the raw name. */
export function hasMessage(key: string): key is MessageKey {
  return key in zhCN;
}

export type LabelPrefix = 'metric' | 'channel' | 'dimension' | 'platform' | 'role';

/**
 * A metric's label from the metric catalog, a channel's, dimension's or platform's from contracts'
 * labels.ts (the server's texts and the 复盘 report read the same names); roles from the messages;
 * else the raw identifier (a name a newer server added).
 */
export function labelIn(lang: Lang, prefix: LabelPrefix, name: string): string {
  switch (prefix) {
    case 'metric': return metricLabel(name, lang);
    case 'channel': return channelLabel(name, lang);
    case 'dimension': return dimensionLabel(name, lang);
    case 'platform': return platformLabel(name, lang);
    case 'role': {
      const key = `role.${name}`;
      return hasMessage(key) ? translate(lang, key) : name;
    }
  }
}

/**
 * A text the server wrote (an alert, a risk, a next action), from contracts' texts catalog in the
 * console's language, with contracts' channel names; the server's `message` when the text has no
 * key this console knows (an alert stored before texts had keys, a newer server).
 */
export function textIn(lang: Lang, text: LocalizedText | null | undefined, fallback: string): string {
  if (!text || !hasText(text.key)) return fallback;
  return renderText(lang, text);
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** See `labelIn`. */
  label(prefix: LabelPrefix, name: string): string;
  /** A breakdown key by its dimension: a channel, platform or customer type by name, others as the shop named them. */
  valueLabel(dimension: string, key: string): string;
  /** See `textIn`. */
  text(text: LocalizedText | null | undefined, fallback: string): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    dayjs.locale(next === 'zh-CN' ? 'zh-cn' : 'en');
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
    const t: Translate = (key, params) => translate(lang, key, params);
    return {
      lang, setLang, t,
      label: (prefix, name) => labelIn(lang, prefix, name),
      valueLabel: (dimension, key) => dimensionValueLabel(dimension, key, lang),
      text: (text, fallback) => textIn(lang, text, fallback),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
