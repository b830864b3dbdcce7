import { CopyOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Flex,
  Form,
  Input,
  Select,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { FieldDef, Label, ObjectDef } from '../api/objects';
import {
  captureKeys,
  deleteWebForm,
  saveWebForm,
  useWebFormStats,
  useWebForms,
  webFormLinks,
  webFormsKey,
  webFormTypes,
  type WebForm,
} from '../api/webforms';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { PropItem } from './PropItem';
import { SaveRefusal } from './SaveRefusal';

// Outcomes of submissions the engine counts (engine/webform_public.go).
const outcomes = [
  'accepted',
  'invalid',
  'duplicate',
  'honeypot',
  'rate_limited',
  'web_form_too_fast',
  'web_form_expired',
  'web_form_token_invalid',
];

/** The object's public web forms: which fields a visitor fills, fixed values, what is captured, where it may be embedded. */
type FormObject = Pick<ObjectDef, 'name' | 'label' | 'fields'>;

export function WebFormsEditor({ def }: { def: FormObject }) {
  const { t } = useI18n();
  const q = useWebForms(def.name);
  const [adding, setAdding] = useState<WebForm | null>(null);
  if (q.isPending) return <Spin />;
  if (q.isError) return <Alert type="error" showIcon message={errorText(q.error, t)} />;
  const forms = q.data;
  return (
    <Flex vertical gap={12} data-testid="webforms-editor">
      <Typography.Paragraph type="secondary">{t('webform.intro')}</Typography.Paragraph>
      {forms.length === 0 && !adding && <Empty description={t('webform.none')} />}
      {forms.map((w) => (
        <WebFormCard key={`${w.name}:${w.version ?? 0}`} def={def} initial={w} />
      ))}
      {adding && <WebFormCard def={def} initial={adding} create onDone={() => setAdding(null)} />}
      {!adding && (
        <Button
          type="dashed"
          icon={<PlusOutlined />}
          block
          onClick={() =>
            setAdding({
              name: `${def.name}_form${forms.length ? `_${forms.length + 1}` : ''}`,
              object: def.name,
              label: def.label,
              fields: def.fields
                .filter((f) => webFormTypes.includes(f.type) && f.required === true)
                .map((f) => ({ field: f.name })),
              enabled: true,
            })
          }
        >
          {t('webform.add')}
        </Button>
      )}
    </Flex>
  );
}

function WebFormCard({
  def,
  initial,
  create,
  onDone,
}: {
  def: FormObject;
  initial: WebForm;
  create?: boolean;
  onDone?: () => void;
}) {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [w, setW] = useState(initial);
  const stats = useWebFormStats(w.name, !create);
  const save = useMutation({
    mutationFn: () => saveWebForm(w, !!create),
    onSuccess: () => {
      message.success(t('webform.saved'));
      void queryClient.invalidateQueries({ queryKey: webFormsKey(def.name) });
      onDone?.();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteWebForm(w.name),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: webFormsKey(def.name) }),
  });
  const problems = save.error instanceof ApiError ? save.error.problems : [];
  const at = (ptr: string) => problems.filter((p) => p.pointer.startsWith(ptr)).map((p) => ({ ...p, setting: '' }));
  const labelOf = (f: FieldDef) => f.label?.[locale] ?? f.label?.en ?? f.name;
  const fillable = def.fields.filter((f) => webFormTypes.includes(f.type));
  const textual = def.fields.filter((f) => ['text', 'textarea', 'url'].includes(f.type));
  const setLabel = (key: 'label' | 'intro' | 'thank_you' | 'submit', lang: string, v: string) =>
    setW({ ...w, [key]: { ...w[key], [lang]: v } });
  const links = webFormLinks(w.name, window.location.origin);
  const hidden = Object.entries(w.hidden ?? {});
  const setHidden = (entries: [string, unknown][]) => setW({ ...w, hidden: Object.fromEntries(entries) });
  const copy = (text: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => message.success(t('webform.copied')),
      () => undefined,
    );

  return (
    <Card
      size="small"
      title={create ? t('webform.new') : (w.label?.[locale] ?? w.label?.en ?? w.name)}
      extra={
        <Space>
          <Switch
            checked={w.enabled}
            onChange={(enabled) => setW({ ...w, enabled })}
            checkedChildren={t('webform.enabled')}
            unCheckedChildren={t('webform.disabled')}
            aria-label={t('webform.enabled')}
          />
          {!create && (
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('webform.delete')}
              onClick={() => {
                modal.confirm({ title: t('webform.deleteConfirm', { name: w.name }), onOk: () => remove.mutate() });
              }}
            />
          )}
        </Space>
      }
      data-testid={`webform-${w.name}`}
    >
      {save.isError && <SaveRefusal error={save.error} testId="webform-error" />}
      <Form layout="vertical" component="div">
        <Flex gap={12} wrap>
          <PropItem label={t('webform.name')} problems={at('/name')}>
            <Input value={w.name} disabled={!create} onChange={(e) => setW({ ...w, name: e.target.value })} />
          </PropItem>
          {(['en', 'zh-CN'] as const).map((lang) => (
            <PropItem key={lang} label={t(`webform.title.${lang}` as MessageKey)}>
              <Input value={w.label?.[lang] ?? ''} onChange={(e) => setLabel('label', lang, e.target.value)} />
            </PropItem>
          ))}
        </Flex>
        <Flex gap={12} wrap>
          {(['en', 'zh-CN'] as const).map((lang) => (
            <PropItem key={lang} label={t(`webform.intro.${lang}` as MessageKey)}>
              <Input.TextArea
                autoSize
                value={w.intro?.[lang] ?? ''}
                onChange={(e) => setLabel('intro', lang, e.target.value)}
              />
            </PropItem>
          ))}
        </Flex>
        <PropItem label={t('webform.fields')} problems={at('/fields')}>
          <Select
            mode="multiple"
            style={{ width: '100%' }}
            aria-label={t('webform.fields')}
            value={w.fields.map((f) => f.field)}
            onChange={(names: string[]) =>
              setW({
                ...w,
                fields: names.map((n) => w.fields.find((f) => f.field === n) ?? { field: n }),
              })
            }
            options={fillable.map((f) => ({ value: f.name, label: labelOf(f) }))}
          />
        </PropItem>
        <Flex gap={16} wrap>
          {w.fields.map((wf, i) => {
            const f = def.fields.find((x) => x.name === wf.field);
            return (
              <Checkbox
                key={wf.field}
                checked={wf.required || f?.required === true}
                disabled={f?.required === true}
                onChange={(e) =>
                  setW({
                    ...w,
                    fields: w.fields.map((x, j) => (j === i ? { ...x, required: e.target.checked || undefined } : x)),
                  })
                }
              >
                {t('webform.requiredField', { field: f ? labelOf(f) : wf.field })}
              </Checkbox>
            );
          })}
        </Flex>
        <Heading>{t('webform.hidden')}</Heading>
        <Typography.Paragraph type="secondary">{t('webform.hiddenHelp')}</Typography.Paragraph>
        {hidden.map(([field, value], i) => {
          const f = def.fields.find((x) => x.name === field);
          const options = (f?.options as { value: string; label?: Label }[] | undefined) ?? [];
          const setAt = (entry: [string, unknown]) => setHidden(hidden.map((x, j) => (j === i ? entry : x)));
          return (
            <Flex key={i} gap={12} wrap align="end">
              <PropItem label={t('webform.field')} problems={at(`/hidden/${field}`)}>
                <Select
                  style={{ minWidth: 180 }}
                  value={field || undefined}
                  onChange={(name: string) => setAt([name, undefined])}
                  options={fillable.map((x) => ({ value: x.name, label: labelOf(x) }))}
                />
              </PropItem>
              <PropItem label={t('webform.value')}>
                {f?.type === 'picklist' ? (
                  <Select
                    style={{ minWidth: 180 }}
                    value={(value as string) || undefined}
                    onChange={(v: string) => setAt([field, v])}
                    options={options.map((o) => ({
                      value: o.value,
                      label: o.label?.[locale] ?? o.label?.en ?? o.value,
                    }))}
                  />
                ) : f?.type === 'boolean' ? (
                  <Switch checked={value === true} onChange={(v) => setAt([field, v])} />
                ) : (
                  <Input value={(value as string) ?? ''} onChange={(e) => setAt([field, e.target.value])} />
                )}
              </PropItem>
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('webform.removeHidden')}
                onClick={() => setHidden(hidden.filter((_, j) => j !== i))}
              />
            </Flex>
          );
        })}
        <Button type="link" icon={<PlusOutlined />} onClick={() => setHidden([...hidden, ['', undefined]])}>
          {t('webform.addHidden')}
        </Button>
        <Heading>{t('webform.capture')}</Heading>
        <Flex gap={12} wrap>
          {captureKeys.map((k) => (
            <PropItem key={k} label={k} problems={at(`/capture/${k}`)}>
              <Select
                style={{ minWidth: 160 }}
                allowClear
                aria-label={k}
                value={w.capture?.[k]}
                onChange={(v?: string) => {
                  const capture = { ...w.capture };
                  if (v) capture[k] = v;
                  else delete capture[k];
                  setW({ ...w, capture });
                }}
                options={textual.map((f) => ({ value: f.name, label: labelOf(f) }))}
              />
            </PropItem>
          ))}
        </Flex>
        <Flex gap={12} wrap>
          {(['en', 'zh-CN'] as const).map((lang) => (
            <PropItem key={lang} label={t(`webform.thanks.${lang}` as MessageKey)}>
              <Input value={w.thank_you?.[lang] ?? ''} onChange={(e) => setLabel('thank_you', lang, e.target.value)} />
            </PropItem>
          ))}
          <PropItem label={t('webform.redirect')} problems={at('/redirect')}>
            <Input
              value={w.redirect ?? ''}
              placeholder="https://"
              onChange={(e) => setW({ ...w, redirect: e.target.value || undefined })}
            />
          </PropItem>
        </Flex>
        <PropItem label={t('webform.origins')} problems={at('/origins')}>
          <Select
            mode="tags"
            style={{ width: '100%' }}
            aria-label={t('webform.origins')}
            value={w.origins ?? []}
            onChange={(origins: string[]) => setW({ ...w, origins })}
            placeholder="https://www.example.com"
            tokenSeparators={[' ', ',']}
          />
        </PropItem>
      </Form>
      {!create && (
        <Flex vertical gap={8} style={{ marginTop: 8 }}>
          <Space wrap>
            <Typography.Text strong>{t('webform.link')}</Typography.Text>
            <Typography.Link href={links.url} target="_blank" rel="noreferrer" data-testid="webform-link">
              {links.url}
            </Typography.Link>
            <Button
              size="small"
              icon={<CopyOutlined />}
              onClick={() => copy(links.url)}
              aria-label={t('webform.copyLink')}
            />
          </Space>
          <Space.Compact style={{ width: '100%' }}>
            <Input readOnly value={links.embed} aria-label={t('webform.embed')} data-testid="webform-embed" />
            <Button icon={<CopyOutlined />} onClick={() => copy(links.embed)}>
              {t('webform.copyEmbed')}
            </Button>
          </Space.Compact>
          <Space wrap data-testid="webform-stats">
            <Typography.Text strong>{t('webform.submissions')}</Typography.Text>
            {Object.entries(stats.data ?? {})
              .sort(([a], [b]) => (a === 'accepted' ? -1 : b === 'accepted' ? 1 : a.localeCompare(b)))
              .map(([k, n]) => (
                <Tag key={k} color={k === 'accepted' ? 'green' : 'orange'}>
                  {outcomes.includes(k) ? t(`webform.outcome.${k}` as MessageKey) : k}: {n}
                </Tag>
              ))}
            <Button size="small" type="link" onClick={() => void stats.refetch()}>
              {t('webform.refresh')}
            </Button>
          </Space>
        </Flex>
      )}
      <Flex justify="end" gap={8} style={{ marginTop: 12 }}>
        {create && <Button onClick={onDone}>{t('webform.cancel')}</Button>}
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('webform.save')}
        </Button>
      </Flex>
    </Card>
  );
}

function Heading({ children }: { children: string }) {
  return (
    <Typography.Title level={5} style={{ marginTop: 16 }}>
      {children}
    </Typography.Title>
  );
}
