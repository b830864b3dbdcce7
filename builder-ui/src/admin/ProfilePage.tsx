import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Popconfirm, Select, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  adminKeys,
  changeOwnPassword,
  createToken,
  revokeToken,
  saveOwnProfile,
  useOwnTokens,
  type ApiToken,
} from '../api/admin';
import { meKey, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { isLocale } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';

/** One's own profile: language and time zone, password, API tokens. */
export default function ProfilePage() {
  const { t, locale, setLocale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const tokens = useOwnTokens();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);
  const [settings] = Form.useForm<{ locale?: string; timezone?: string }>();
  const [pw] = Form.useForm<{ current: string; next: string; confirm: string }>();
  const [tok] = Form.useForm<{ name: string }>();
  const [secret, setSecret] = useState<string>();
  const fmt = (s?: string) => (s ? new Date(s).toLocaleString(locale) : '—');

  const saveSettings = useMutation({
    mutationFn: (v: { locale?: string; timezone?: string }) =>
      saveOwnProfile({ locale: v.locale ?? '', timezone: v.timezone ?? '' }),
    onSuccess: (_, v) => {
      message.success(t('profile.settingsSaved'));
      if (isLocale(v.locale) && v.locale !== locale) setLocale(v.locale);
      void queryClient.invalidateQueries({ queryKey: meKey });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const password = useMutation({
    mutationFn: (v: { current: string; next: string }) => changeOwnPassword(v.current, v.next),
    onSuccess: () => {
      message.success(t('profile.passwordChanged'));
      pw.resetFields();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.problems.length) {
        pw.setFields(
          e.problems.map((p) => ({
            name: p.pointer === '/current_password' ? 'current' : 'next',
            errors: [p.message],
          })),
        );
      } else message.error(errorText(e, t));
    },
  });
  const create = useMutation({
    mutationFn: (v: { name: string }) => createToken(v.name),
    onSuccess: (x) => {
      setSecret(x.token);
      tok.resetFields();
      void queryClient.invalidateQueries({ queryKey: adminKeys.tokens });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const revoke = useMutation({
    mutationFn: revokeToken,
    onSuccess: () => {
      message.success(t('profile.revoked'));
      void queryClient.invalidateQueries({ queryKey: adminKeys.tokens });
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  if (!me.data) return null;
  return (
    <>
      <PageHeader title={t('profile.title')} subtitle={t('profile.subtitle')} />
      <Flex vertical gap={16} style={{ maxWidth: 760 }}>
        <Card title={t('profile.settings')} size="small">
          <Form
            form={settings}
            layout="vertical"
            initialValues={{ locale: me.data.locale || undefined, timezone: me.data.timezone || undefined }}
            onFinish={(v) => saveSettings.mutate(v)}
          >
            <Form.Item name="locale" label={t('admin.users.locale')}>
              <Select
                allowClear
                placeholder={t('admin.users.browser')}
                options={[
                  { value: 'en', label: 'English' },
                  { value: 'zh-CN', label: '简体中文' },
                ]}
              />
            </Form.Item>
            <Form.Item name="timezone" label={t('admin.users.timezone')}>
              <Select allowClear showSearch placeholder={t('admin.users.browser')} options={zones} />
            </Form.Item>
            <Button htmlType="submit" loading={saveSettings.isPending}>
              {t('profile.saveSettings')}
            </Button>
          </Form>
        </Card>
        <Card title={t('profile.password')} size="small">
          <Form form={pw} layout="vertical" requiredMark={false} noValidate onFinish={(v) => password.mutate(v)}>
            <Form.Item
              name="current"
              label={t('profile.currentPassword')}
              rules={[{ required: true, message: t('profile.required') }]}
            >
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Form.Item
              name="next"
              label={t('profile.newPassword')}
              extra={t('profile.passwordHint')}
              rules={[{ required: true, message: t('profile.required') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              name="confirm"
              label={t('profile.confirmPassword')}
              dependencies={['next']}
              rules={[
                { required: true, message: t('profile.required') },
                ({ getFieldValue }) => ({
                  validator: (_, v) =>
                    !v || v === getFieldValue('next')
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('profile.passwordMismatch'))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={password.isPending}>
              {t('profile.changePassword')}
            </Button>
          </Form>
        </Card>
        <Card title={t('profile.tokens')} size="small">
          <Typography.Paragraph type="secondary">{t('profile.tokensHint')}</Typography.Paragraph>
          <Form form={tok} layout="inline" onFinish={(v) => create.mutate(v)} style={{ marginBottom: 16, rowGap: 8 }}>
            <Form.Item name="name" rules={[{ required: true, message: t('profile.required') }]}>
              <Input placeholder={t('profile.tokenName')} aria-label={t('profile.tokenName')} maxLength={100} />
            </Form.Item>
            <Button htmlType="submit" loading={create.isPending}>
              {t('profile.createToken')}
            </Button>
          </Form>
          {secret && (
            <Alert
              type="success"
              showIcon
              closable
              onClose={() => setSecret(undefined)}
              style={{ marginBottom: 16 }}
              message={t('profile.tokenShown')}
              description={
                <Typography.Text code copyable data-testid="new-token" style={{ wordBreak: 'break-all' }}>
                  {secret}
                </Typography.Text>
              }
            />
          )}
          <Table<ApiToken>
            rowKey="id"
            size="small"
            pagination={false}
            loading={tokens.isLoading}
            dataSource={tokens.data ?? []}
            locale={{ emptyText: t('profile.noTokens') }}
            scroll={{ x: 'max-content' }}
            columns={[
              { key: 'name', title: t('profile.tokenName'), dataIndex: 'name' },
              { key: 'created', title: t('profile.tokenCreated'), render: (_, x) => fmt(x.created_at) },
              { key: 'used', title: t('profile.tokenLastUsed'), render: (_, x) => fmt(x.last_used_at) },
              {
                key: 'expires',
                title: t('profile.tokenExpires'),
                render: (_, x) => (x.expires_at ? fmt(x.expires_at) : t('profile.tokenNever')),
              },
              {
                key: 'revoke',
                title: '',
                render: (_, x) => (
                  <Popconfirm
                    title={t('profile.revokeConfirm', { name: x.name })}
                    okText={t('profile.revoke')}
                    cancelText={t('admin.users.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => revoke.mutate(x.id)}
                  >
                    <Button type="link" danger size="small">
                      {t('profile.revoke')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        </Card>
      </Flex>
    </>
  );
}
