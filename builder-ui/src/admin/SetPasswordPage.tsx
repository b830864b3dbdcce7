import { LockOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { setPasswordWithLink } from '../api/admin';
import { ApiError } from '../api/client';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { Brand } from '../shell/Brand';
import { LanguageSwitch } from '../shell/LanguageSwitch';

interface Values {
  password: string;
  confirm: string;
}

/**
 * The public page a password link opens (/set-password#<secret>): the secret travels in the
 * fragment, which reaches no server log; it is read once and cleared from the address bar.
 */
export default function SetPasswordPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [token] = useState(() => {
    const tok = window.location.hash.slice(1);
    if (tok) window.history.replaceState(null, '', window.location.pathname);
    return tok;
  });
  const set = useMutation({
    mutationFn: (v: Values) => setPasswordWithLink(token, v.password),
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'weak_password') {
        form.setFields([{ name: 'password', errors: [e.problems[0]?.message ?? e.message] }]);
      }
    },
  });
  const weak = set.error instanceof ApiError && set.error.code === 'weak_password';

  return (
    <Flex vertical style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Flex justify="flex-end" style={{ padding: 16 }}>
        <LanguageSwitch />
      </Flex>
      <Flex flex={1} align="flex-start" justify="center" style={{ padding: '4vh 16px 32px' }}>
        <Card style={{ width: '100%', maxWidth: 400 }} styles={{ body: { padding: 32 } }}>
          <Flex vertical gap={4} style={{ marginBottom: 24 }}>
            <Brand />
            <Typography.Title level={3} style={{ margin: '16px 0 0' }}>
              {t('setPassword.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('setPassword.subtitle')}</Typography.Text>
          </Flex>
          {set.isSuccess ? (
            <Result
              status="success"
              title={t('setPassword.done')}
              extra={
                <Link to="/login">
                  <Button type="primary">{t('setPassword.signIn')}</Button>
                </Link>
              }
            />
          ) : !token ? (
            <Alert type="warning" showIcon message={t('setPassword.noToken')} />
          ) : (
            <>
              {set.isError && !weak && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  message={errorText(set.error, t)}
                  style={{ marginBottom: 16 }}
                />
              )}
              <Form<Values>
                form={form}
                layout="vertical"
                requiredMark={false}
                noValidate
                onFinish={(v) => set.mutate(v)}
              >
                <Form.Item
                  name="password"
                  label={t('profile.newPassword')}
                  extra={t('profile.passwordHint')}
                  rules={[{ required: true, message: t('profile.required') }]}
                >
                  <Input.Password prefix={<LockOutlined />} autoComplete="new-password" autoFocus />
                </Form.Item>
                <Form.Item
                  name="confirm"
                  label={t('profile.confirmPassword')}
                  dependencies={['password']}
                  rules={[
                    { required: true, message: t('profile.required') },
                    ({ getFieldValue }) => ({
                      validator: (_, v) =>
                        !v || v === getFieldValue('password')
                          ? Promise.resolve()
                          : Promise.reject(new Error(t('profile.passwordMismatch'))),
                    }),
                  ]}
                >
                  <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
                </Form.Item>
                <Button type="primary" htmlType="submit" block loading={set.isPending}>
                  {t('setPassword.submit')}
                </Button>
              </Form>
            </>
          )}
        </Card>
      </Flex>
    </Flex>
  );
}
