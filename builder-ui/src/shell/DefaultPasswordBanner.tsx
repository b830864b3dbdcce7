import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import { meKey, useMe } from '../api/auth';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

/**
 * Tells an admin whose password is still the default one (GET /api/auth/me says
 * default_password) to change it, on every page until it is changed; the change is made here.
 */
export function DefaultPasswordBanner() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ current_password: string; new_password: string }>();
  const change = useMutation({
    mutationFn: (v: { current_password: string; new_password: string }) => api.post<void>('/api/auth/password', v),
    onSuccess: () => {
      setOpen(false);
      void client.invalidateQueries({ queryKey: meKey });
      void message.success(t('listwork.password.changed'));
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  if (!(me.data as { default_password?: boolean } | undefined)?.default_password) return null;
  return (
    <>
      <Alert
        type="warning"
        showIcon
        banner
        data-testid="default-password"
        message={t('listwork.password.default')}
        action={
          <Button size="small" onClick={() => setOpen(true)}>
            {t('listwork.password.change')}
          </Button>
        }
        style={{ marginBottom: 12 }}
      />
      <Modal
        open={open}
        title={t('listwork.password.change')}
        okText={t('listwork.password.change')}
        confirmLoading={change.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(
            (v) => change.mutate(v),
            () => undefined, // the form shows what is missing
          )
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item name="current_password" label={t('listwork.password.current')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="new_password" label={t('listwork.password.new')} rules={[{ required: true, min: 10 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
