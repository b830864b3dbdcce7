import { Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../i18n/context';
import { PageHeader } from '../shell/PageHeader';
import { OutboxPanel } from './OutboxPanel';
import { SMTPPanel } from './SMTPPanel';
import { TemplatesPanel } from './TemplatesPanel';

/** /email: the SMTP settings (admins), the email templates, and the outbox (admins). */
export default function EmailPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'smtp';
  return (
    <>
      <PageHeader title={t('email.title')} subtitle={t('email.subtitle')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyInactiveTabPane
        items={[
          { key: 'smtp', label: t('email.tab.smtp'), children: <SMTPPanel /> },
          { key: 'templates', label: t('email.tab.templates'), children: <TemplatesPanel /> },
          { key: 'outbox', label: t('email.tab.outbox'), children: <OutboxPanel /> },
        ]}
      />
    </>
  );
}
