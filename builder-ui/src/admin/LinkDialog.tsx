import { CopyOutlined } from '@ant-design/icons';
import { App, Button, Input, Modal, Space, Typography } from 'antd';
import type { PasswordLink } from '../api/admin';
import { useI18n } from '../i18n/context';

/** Shows a new password link once, with a copy button; closing it forgets the secret. */
export function LinkDialog({
  link,
  email,
  onClose,
}: {
  link: PasswordLink | null;
  email: string;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const url = link ? window.location.origin + link.path : '';
  const expires = link ? new Date(link.expires_at).toLocaleString(locale) : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      message.success(t('admin.link.copied'));
    } catch {
      // No clipboard (an insecure origin): the field is selected for a manual copy.
      (document.getElementById('password-link') as HTMLInputElement | null)?.select();
    }
  };
  return (
    <Modal
      open={!!link}
      title={t('admin.link.title', { email })}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('admin.link.close')}
        </Button>
      }
      destroyOnHidden
    >
      <Typography.Paragraph>{t('admin.link.text', { email, expires })}</Typography.Paragraph>
      <Space.Compact style={{ width: '100%' }}>
        <Input id="password-link" data-testid="password-link" readOnly value={url} onFocus={(e) => e.target.select()} />
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>
          {t('admin.link.copy')}
        </Button>
      </Space.Compact>
    </Modal>
  );
}
