import { MailOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Switch, Tooltip } from 'antd';
import { useState } from 'react';
import { meKey, saveOwnEmailNotifications, useMe } from '../api/auth';
import { useI18n } from '../i18n/context';

/** The profile setting: get one's notifications by email too. */
export function EmailPrefSwitch() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const qc = useQueryClient();
  const [pending, setPending] = useState(false);
  const on = !!me?.email_notifications;
  return (
    <Tooltip title={on ? t('email.pref.on') : t('email.pref.off')}>
      <Switch
        size="small"
        aria-label={t('email.pref.label')}
        checkedChildren={<MailOutlined />}
        unCheckedChildren={<MailOutlined />}
        checked={on}
        loading={pending}
        onClick={(_, e) => e.stopPropagation()}
        onChange={(v) => {
          setPending(true);
          void saveOwnEmailNotifications(v)
            .then((saved) => qc.setQueryData(meKey, saved))
            .finally(() => setPending(false));
        }}
      />
    </Tooltip>
  );
}
