import { SendOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { saveSMTP, smtpKey, testSMTP, useSMTP, type SMTPSettings } from '../api/email';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { validValues } from '../shell/validValues';

/** The SMTP settings form with its "send test email" button. */
export function SMTPPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const settings = useSMTP();
  const [form] = Form.useForm<SMTPSettings & { allowed: string }>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [to, setTo] = useState('');
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (settings.data) form.setFieldsValue({ ...settings.data, allowed: settings.data.allowed_recipients.join('\n') });
  }, [settings.data, form]);

  if (settings.isPending) return <Spin />;
  if (settings.error instanceof ApiError && settings.error.status === 403)
    return <Alert type="info" showIcon message={t('email.smtp.adminsOnly')} />;
  if (settings.isError) return <Alert type="error" showIcon message={errorText(settings.error, t)} />;

  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    const { allowed, ...rest } = v;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await saveSMTP({
        ...rest,
        port: Number(rest.port),
        allowed_recipients: (allowed ?? '')
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean),
        version: settings.data?.version ?? 0,
      });
      qc.setQueryData(smtpKey, saved);
      void message.success(t('email.smtp.saved'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const test = async () => {
    setTesting(true);
    setTestResult(null);
    try {
      await testSMTP(to.trim());
      setTestResult({ ok: true, text: t('email.smtp.testSent', { to: to.trim() }) });
    } catch (e) {
      setTestResult({ ok: false, text: t('email.smtp.testFailed', { reason: errorText(e, t) }) });
    } finally {
      setTesting(false);
    }
  };
  const problem = (ptr: string) =>
    saveError instanceof ApiError ? saveError.problems.find((p) => p.pointer === ptr)?.message : undefined;
  const item = (name: keyof SMTPSettings, ptr: string) => ({
    name,
    validateStatus: problem(ptr) ? ('error' as const) : undefined,
    help: problem(ptr),
  });

  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 720 }}>
      <Card>
        <Form form={form} layout="vertical" data-testid="smtp-form" onFinish={() => void save()}>
          <Form.Item label={t('email.smtp.host')} {...item('host', '/host')} rules={[{ required: true }]}>
            <Input placeholder="smtp.example.com" autoComplete="off" />
          </Form.Item>
          <Space wrap size="middle">
            <Form.Item label={t('email.smtp.port')} {...item('port', '/port')} rules={[{ required: true }]}>
              <InputNumber min={1} max={65535} />
            </Form.Item>
            <Form.Item label={t('email.smtp.security')} {...item('security', '/security')}>
              <Select
                style={{ minWidth: 200 }}
                options={(['starttls', 'tls', 'none'] as const).map((s) => ({
                  value: s,
                  label: t(`email.smtp.security.${s}`),
                }))}
              />
            </Form.Item>
          </Space>
          <Space wrap size="middle">
            <Form.Item label={t('email.smtp.username')} {...item('username', '/username')}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item
              label={t('email.smtp.password')}
              name="password"
              help={problem('/password') ?? t('email.smtp.passwordHelp')}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          </Space>
          <Space wrap size="middle">
            <Form.Item label={t('email.smtp.fromAddress')} {...item('from_address', '/from_address')}>
              <Input placeholder="crm@example.com" />
            </Form.Item>
            <Form.Item label={t('email.smtp.fromName')} {...item('from_name', '/from_name')}>
              <Input />
            </Form.Item>
          </Space>
          <Form.Item
            label={t('email.smtp.appUrl')}
            name="app_url"
            help={problem('/app_url') ?? t('email.smtp.appUrlHelp')}
          >
            <Input placeholder="https://crm.example.com" />
          </Form.Item>
          <Form.Item label={t('email.smtp.allowed')} name="allowed" help={t('email.smtp.allowedHelp')}>
            <Input.TextArea rows={3} placeholder="partner.example.com" />
          </Form.Item>
          {saveError != null && (
            <Alert type="error" showIcon message={errorText(saveError, t)} style={{ marginBottom: 16 }} />
          )}
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('email.smtp.save')}
          </Button>
        </Form>
      </Card>
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          <label htmlFor="smtp-test-to">{t('email.smtp.testTo')}</label>
          <Space.Compact style={{ width: '100%' }}>
            <Input id="smtp-test-to" value={to} onChange={(e) => setTo(e.target.value)} placeholder="you@example.com" />
            <Button icon={<SendOutlined />} loading={testing} disabled={!to.trim()} onClick={() => void test()}>
              {t('email.smtp.test')}
            </Button>
          </Space.Compact>
          {testResult && (
            <Alert
              data-testid="smtp-test-result"
              type={testResult.ok ? 'success' : 'error'}
              showIcon
              message={testResult.text}
            />
          )}
        </Space>
      </Card>
    </Space>
  );
}
