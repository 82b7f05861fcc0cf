import { Segmented } from 'antd';
import type { Lang } from '../format/numbers';
import { useI18n } from '../i18n/i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      aria-label={t('shell.language')}
      data-testid="language-switch"
      value={lang}
      onChange={setLang}
      options={[{ label: '中文', value: 'zh-CN' }, { label: 'English', value: 'en' }]}
    />
  );
}
