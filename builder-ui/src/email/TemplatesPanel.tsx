import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, Select, Space, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import {
  emailTemplatesKey,
  previewEmailTemplate,
  saveEmailTemplate,
  useEmailTemplates,
  type EmailPreview,
  type EmailTemplate,
} from '../api/email';
import { useObjects } from '../api/objects';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';

const langs = ['en', 'zh-CN'] as const;
type Lang = (typeof langs)[number];

const blank = (): EmailTemplate => ({ name: '', object: '', subject: {}, html: {}, text: {} });

/** The email templates: pick one (or start one), edit its parts per language, preview it. */
export function TemplatesPanel() {
  const { t, locale } = useI18n();
  const list = useEmailTemplates();
  const objects = useObjects();
  const [draft, setDraft] = useState<EmailTemplate | null>(null);
  const [isNew, setIsNew] = useState(false);

  if (list.isPending) return <Spin />;
  if (list.isError) return <Alert type="error" showIcon message={errorText(list.error, t)} />;
  const items = list.data ?? [];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Flex gap={8} wrap>
        <Select
          aria-label={t('email.tpl.pick')}
          placeholder={t('email.tpl.pick')}
          style={{ minWidth: 260 }}
          value={!isNew ? draft?.name : undefined}
          onChange={(name: string) => {
            const found = items.find((x) => x.name === name);
            if (found) {
              setDraft({ html: {}, text: {}, ...found });
              setIsNew(false);
            }
          }}
          options={items.map((x) => ({ value: x.name, label: `${pickLabel(x.label, locale, x.name)} · ${x.object}` }))}
        />
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setDraft(blank());
            setIsNew(true);
          }}
        >
          {t('email.tpl.new')}
        </Button>
      </Flex>
      {!draft && items.length === 0 && <Empty description={t('email.tpl.none')} />}
      {draft && (
        <TemplateEditor
          key={isNew ? 'new' : draft.name}
          initial={draft}
          isNew={isNew}
          objectOptions={(objects.data ?? []).map((o) => ({
            value: o.name,
            label: pickLabel(o.label, locale, o.name),
          }))}
          onSaved={(saved) => {
            setDraft(saved);
            setIsNew(false);
          }}
        />
      )}
    </Space>
  );
}

function TemplateEditor({
  initial,
  isNew,
  objectOptions,
  onSaved,
}: {
  initial: EmailTemplate;
  isNew: boolean;
  objectOptions: { value: string; label: string }[];
  onSaved: (t: EmailTemplate) => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [tpl, setTpl] = useState<EmailTemplate>(initial);
  const [lang, setLang] = useState<Lang>(locale === 'zh-CN' ? 'zh-CN' : 'en');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [record, setRecord] = useState('');
  const [preview, setPreview] = useState<EmailPreview | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [previewing, setPreviewing] = useState(false);

  const setPart = (part: 'subject' | 'html' | 'text', l: Lang, v: string) =>
    setTpl((cur) => {
      const next = { ...(cur[part] ?? {}) };
      if (v) next[l] = v;
      else delete next[l];
      return { ...cur, [part]: next };
    });
  const problems = error instanceof ApiError ? error.problems : [];
  const problemAt = (ptr: string) =>
    problems
      .filter((p) => p.pointer === ptr)
      .map((p) => p.message)
      .join('; ') || undefined;

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await saveEmailTemplate(tpl, isNew);
      await qc.invalidateQueries({ queryKey: emailTemplatesKey });
      setTpl(saved);
      onSaved(saved);
      void message.success(t('email.tpl.saved'));
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const runPreview = async () => {
    setPreviewing(true);
    setPreviewError(null);
    try {
      setPreview(await previewEmailTemplate(tpl, record.trim(), lang));
    } catch (e) {
      setPreview(null);
      setPreviewError(e);
    } finally {
      setPreviewing(false);
    }
  };

  return (
    <Card data-testid="email-template-editor">
      <Form layout="vertical">
        <Flex gap={16} wrap>
          <Form.Item
            label={t('email.tpl.name')}
            validateStatus={problemAt('/name') ? 'error' : undefined}
            help={problemAt('/name')}
          >
            <Input
              aria-label={t('email.tpl.name')}
              value={tpl.name}
              disabled={!isNew}
              onChange={(e) => setTpl({ ...tpl, name: e.target.value })}
              placeholder="lead_welcome"
            />
          </Form.Item>
          <Form.Item
            label={t('email.tpl.object')}
            validateStatus={problemAt('/object') ? 'error' : undefined}
            help={problemAt('/object')}
          >
            <Select
              aria-label={t('email.tpl.object')}
              style={{ minWidth: 200 }}
              value={tpl.object || undefined}
              options={objectOptions}
              onChange={(v: string) => setTpl({ ...tpl, object: v })}
            />
          </Form.Item>
          <Form.Item label={`${t('email.tpl.label')} (${t(`email.tpl.lang.${lang}`)})`}>
            <Input
              aria-label={t('email.tpl.label')}
              value={tpl.label?.[lang] ?? ''}
              onChange={(e) => setTpl({ ...tpl, label: { ...(tpl.label ?? {}), [lang]: e.target.value } })}
            />
          </Form.Item>
        </Flex>
        <Typography.Paragraph type="secondary">{t('email.tpl.mergeHelp')}</Typography.Paragraph>
        <Tabs
          activeKey={lang}
          onChange={(k) => setLang(k as Lang)}
          items={langs.map((l) => ({
            key: l,
            label: t(`email.tpl.lang.${l}`),
            children: (
              <>
                <Form.Item
                  label={t('email.tpl.subject')}
                  validateStatus={problemAt(`/subject/${l}`) ? 'error' : undefined}
                  help={problemAt(`/subject/${l}`)}
                >
                  <Input
                    aria-label={`${t('email.tpl.subject')} ${l}`}
                    value={tpl.subject?.[l] ?? ''}
                    onChange={(e) => setPart('subject', l, e.target.value)}
                  />
                </Form.Item>
                <Form.Item
                  label={t('email.tpl.html')}
                  validateStatus={problemAt(`/html/${l}`) ? 'error' : undefined}
                  help={problemAt(`/html/${l}`)}
                >
                  <Input.TextArea
                    aria-label={`${t('email.tpl.html')} ${l}`}
                    rows={5}
                    style={{ fontFamily: 'monospace' }}
                    value={tpl.html?.[l] ?? ''}
                    onChange={(e) => setPart('html', l, e.target.value)}
                  />
                </Form.Item>
                <Form.Item
                  label={t('email.tpl.text')}
                  validateStatus={problemAt(`/text/${l}`) ? 'error' : undefined}
                  help={problemAt(`/text/${l}`)}
                >
                  <Input.TextArea
                    aria-label={`${t('email.tpl.text')} ${l}`}
                    rows={4}
                    value={tpl.text?.[l] ?? ''}
                    onChange={(e) => setPart('text', l, e.target.value)}
                  />
                </Form.Item>
              </>
            ),
          }))}
        />
        {error != null && <Alert type="error" showIcon message={errorText(error, t)} style={{ marginBottom: 16 }} />}
        <Button type="primary" loading={saving} onClick={() => void save()}>
          {t('email.tpl.save')}
        </Button>
      </Form>
      <Card size="small" style={{ marginTop: 24 }} title={t('email.tpl.preview')}>
        <Space.Compact style={{ width: '100%' }}>
          <Input
            aria-label={t('email.tpl.record')}
            placeholder={t('email.tpl.record')}
            value={record}
            onChange={(e) => setRecord(e.target.value)}
          />
          <Button
            icon={<EyeOutlined />}
            loading={previewing}
            disabled={!record.trim()}
            onClick={() => void runPreview()}
          >
            {t('email.tpl.preview')}
          </Button>
        </Space.Compact>
        {previewError != null && (
          <Alert type="error" showIcon message={errorText(previewError, t)} style={{ marginTop: 12 }} />
        )}
        {preview && (
          <div data-testid="email-preview" style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">{t('email.tpl.previewSubject')}</Typography.Text>
            <Typography.Paragraph strong data-testid="email-preview-subject">
              {preview.subject}
            </Typography.Paragraph>
            {preview.html && (
              <>
                <Typography.Text type="secondary">{t('email.tpl.previewHtml')}</Typography.Text>
                <iframe
                  title={t('email.tpl.previewHtml')}
                  sandbox=""
                  srcDoc={preview.html}
                  style={{ width: '100%', minHeight: 160, border: '1px solid #f0f0f0', background: '#fff' }}
                />
              </>
            )}
            <Typography.Text type="secondary">{t('email.tpl.previewText')}</Typography.Text>
            <pre data-testid="email-preview-text" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
              {preview.text}
            </pre>
          </div>
        )}
      </Card>
    </Card>
  );
}
