import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useEffect } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { login, meKey } from '../api/auth';
import { ApiError } from '../api/client';
import { safeNext } from '../auth/next';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { Brand } from '../shell/Brand';
import { LanguageSwitch } from '../shell/LanguageSwitch';

interface Credentials {
  email: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Credentials>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const next = params.get('next');

  // Whoever signs in next sees nothing cached for the last user. Cleared here, once the signed-in
  // pages are gone: clearing under them would refetch their queries without a session.
  useEffect(() => queryClient.removeQueries(), [queryClient]);

  const signIn = useMutation({
    mutationFn: (c: Credentials) => login(c.email.trim(), c.password),
    onSuccess: (user) => {
      queryClient.setQueryData(meKey, user);
      void navigate(safeNext(next), { replace: true });
    },
    onError: (e) => {
      // Field-level problems (a malformed email) go next to their field.
      if (e instanceof ApiError && e.fields.length > 0) {
        form.setFields(e.fields.map((f) => ({ name: f.field as keyof Credentials, errors: [f.message] })));
      }
    },
  });

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
              {t('login.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
          </Flex>
          {next && !signIn.isError && (
            <Alert type="info" showIcon message={t('login.signInToContinue')} style={{ marginBottom: 16 }} />
          )}
          {signIn.isError && (
            <Alert
              type="error"
              showIcon
              role="alert"
              message={t('login.failed')}
              description={errorText(signIn.error, t)}
              style={{ marginBottom: 16 }}
            />
          )}
          {/* noValidate: our rules speak the user's language; the browser's bubbles would block them. */}
          <Form<Credentials>
            form={form}
            layout="vertical"
            requiredMark={false}
            noValidate
            onFinish={(c) => signIn.mutate(c)}
          >
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[
                { required: true, whitespace: true, message: t('login.emailRequired') },
                { type: 'email', message: t('login.emailInvalid') },
              ]}
            >
              <Input prefix={<MailOutlined />} type="email" autoComplete="username" autoFocus size="large" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block loading={signIn.isPending}>
              {t('login.submit')}
            </Button>
          </Form>
        </Card>
      </Flex>
    </Flex>
  );
}
