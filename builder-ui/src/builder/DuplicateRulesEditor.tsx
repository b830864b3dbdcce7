import { ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import {
  duplicateRulesKey,
  saveDuplicateRules,
  useDuplicateRules,
  type DuplicateRule,
  type DuplicateRules,
  type MatchCondition,
  type MatchKind,
} from '../api/duplicates';
import { useObjects, type ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { PropItem } from './PropItem';
import { SaveRefusal } from './SaveRefusal';

const kinds: MatchKind[] = ['exact', 'case_insensitive', 'email', 'phone', 'fuzzy'];

// The field types each kind reads (workflow/duplicate.go has the same table).
const kindTypes: Record<MatchKind, string[]> = {
  exact: ['text', 'email', 'phone', 'url', 'picklist', 'lookup', 'user', 'autonumber', 'integer', 'number', 'date'],
  case_insensitive: ['text', 'email', 'url'],
  email: ['email', 'text'],
  phone: ['phone', 'text'],
  fuzzy: ['text'],
};

/** The object's duplicate rules: ordered, each a set of conditions and block or warn. Saved on its own (If-Match). */
export function DuplicateRulesEditor({ object }: { object: string }) {
  const { t } = useI18n();
  const q = useDuplicateRules(object);
  if (q.isPending) return <Spin />;
  if (q.isError) return <Alert type="error" showIcon message={errorText(q.error, t)} />;
  return <RulesForm key={q.data.version ?? 0} initial={q.data} />;
}

function RulesForm({ initial }: { initial: DuplicateRules }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const objects = useObjects();
  const [d, setD] = useState(initial);
  const save = useMutation({
    mutationFn: () => saveDuplicateRules(d),
    onSuccess: (saved) => {
      message.success(t('dup.saved', { version: saved.version ?? 0 }));
      queryClient.setQueryData(duplicateRulesKey(d.object), saved);
    },
  });
  const problems = save.error instanceof ApiError ? save.error.problems : [];
  const at = (ptr: string) => problems.filter((p) => p.pointer === ptr).map((p) => ({ ...p, setting: '' }));
  const objectOf = (name: string) => (objects.data ?? []).find((o) => o.name === name);
  const labelOf = (o?: ObjectDef) => (o ? (o.label?.[locale] ?? o.label?.en ?? o.name) : '');
  const fieldOptions = (o: ObjectDef | undefined, kind: MatchKind) =>
    (o?.fields ?? [])
      .filter((f) => kindTypes[kind].includes(f.type))
      .map((f) => ({ value: f.name, label: f.label?.[locale] ?? f.label?.en ?? f.name }));
  const setRule = (i: number, r: DuplicateRule) => setD({ ...d, rules: d.rules.map((x, j) => (j === i ? r : x)) });

  return (
    <div className="crm-rules" data-testid="duplicates-editor">
      <Typography.Paragraph type="secondary">{t('dup.intro')}</Typography.Paragraph>
      {save.isError && <SaveRefusal error={save.error} testId="duplicates-error" />}
      <Form layout="vertical" component="div">
        <Flex vertical gap={12}>
          {d.rules.map((r, i) => {
            const here = `/rules/${i}`;
            const other = objectOf(r.against || d.object);
            const setCond = (j: number, c: MatchCondition) =>
              setRule(i, { ...r, conditions: r.conditions.map((x, k) => (k === j ? c : x)) });
            return (
              <Card
                key={i}
                size="small"
                title={t('dup.rule', { n: i + 1 })}
                extra={
                  <Space>
                    <Button
                      size="small"
                      icon={<ArrowUpOutlined />}
                      disabled={i === 0}
                      aria-label={t('dup.up', { n: i + 1 })}
                      onClick={() => {
                        const rules = [...d.rules];
                        [rules[i - 1], rules[i]] = [rules[i]!, rules[i - 1]!];
                        setD({ ...d, rules });
                      }}
                    />
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('dup.remove', { n: i + 1 })}
                      onClick={() => setD({ ...d, rules: d.rules.filter((_, j) => j !== i) })}
                    />
                  </Space>
                }
              >
                <Flex gap={12} wrap>
                  <PropItem label={t('dup.name')} problems={at(`${here}/name`)}>
                    <Input value={r.name} onChange={(e) => setRule(i, { ...r, name: e.target.value })} />
                  </PropItem>
                  <PropItem label={t('dup.labelEn')}>
                    <Input
                      value={r.label?.en ?? ''}
                      onChange={(e) => setRule(i, { ...r, label: { ...r.label, en: e.target.value } })}
                    />
                  </PropItem>
                  <PropItem label={t('dup.labelZh')}>
                    <Input
                      value={r.label?.['zh-CN'] ?? ''}
                      onChange={(e) => setRule(i, { ...r, label: { ...r.label, 'zh-CN': e.target.value } })}
                    />
                  </PropItem>
                  <PropItem label={t('dup.action')} problems={at(`${here}/action`)}>
                    <Select
                      style={{ minWidth: 120 }}
                      value={r.action}
                      onChange={(action) => setRule(i, { ...r, action })}
                      options={[
                        { value: 'block', label: t('dup.action.block') },
                        { value: 'warn', label: t('dup.action.warn') },
                      ]}
                    />
                  </PropItem>
                  <PropItem label={t('dup.against')} problems={at(`${here}/against`)}>
                    <Select
                      style={{ minWidth: 160 }}
                      value={r.against || ''}
                      onChange={(v: string) => setRule(i, { ...r, against: v || undefined })}
                      options={[
                        { value: '', label: t('dup.againstSelf') },
                        ...(objects.data ?? [])
                          .filter((o) => o.name !== d.object)
                          .map((o) => ({ value: o.name, label: labelOf(o) })),
                      ]}
                    />
                  </PropItem>
                </Flex>
                <Typography.Text strong>{t('dup.conditions')}</Typography.Text>
                {r.conditions.map((c, j) => {
                  const cat = `${here}/conditions/${j}`;
                  return (
                    <Flex key={j} gap={12} wrap align="end">
                      <PropItem label={t('dup.field')} problems={at(`${cat}/field`)}>
                        <Select
                          style={{ minWidth: 160 }}
                          value={c.field || undefined}
                          onChange={(field: string) => setCond(j, { ...c, field })}
                          options={fieldOptions(objectOf(d.object), c.match)}
                        />
                      </PropItem>
                      <PropItem label={t('dup.match')} problems={at(`${cat}/match`)}>
                        <Select
                          style={{ minWidth: 160 }}
                          value={c.match}
                          onChange={(match: MatchKind) =>
                            setCond(j, { ...c, match, threshold: match === 'fuzzy' ? c.threshold : undefined })
                          }
                          options={kinds.map((k) => ({ value: k, label: t(`dup.match.${k}` as MessageKey) }))}
                        />
                      </PropItem>
                      {r.against && r.against !== d.object && (
                        <PropItem label={t('dup.otherField')} problems={at(`${cat}/against_field`)}>
                          <Select
                            style={{ minWidth: 160 }}
                            allowClear
                            value={c.against_field || undefined}
                            onChange={(v?: string) => setCond(j, { ...c, against_field: v })}
                            options={fieldOptions(other, c.match)}
                          />
                        </PropItem>
                      )}
                      {c.match === 'fuzzy' && (
                        <PropItem label={t('dup.threshold')} problems={at(`${cat}/threshold`)}>
                          <InputNumber
                            min={0.5}
                            max={1}
                            step={0.05}
                            value={c.threshold ?? 0.85}
                            onChange={(v) => setCond(j, { ...c, threshold: v ?? undefined })}
                          />
                        </PropItem>
                      )}
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('dup.removeCondition')}
                        disabled={r.conditions.length === 1}
                        onClick={() => setRule(i, { ...r, conditions: r.conditions.filter((_, k) => k !== j) })}
                      />
                    </Flex>
                  );
                })}
                <Button
                  type="link"
                  icon={<PlusOutlined />}
                  onClick={() => setRule(i, { ...r, conditions: [...r.conditions, { field: '', match: 'exact' }] })}
                >
                  {t('dup.addCondition')}
                </Button>
              </Card>
            );
          })}
        </Flex>
      </Form>
      <Button
        type="dashed"
        icon={<PlusOutlined />}
        block
        onClick={() =>
          setD({
            ...d,
            rules: [
              ...d.rules,
              { name: `rule_${d.rules.length + 1}`, action: 'warn', conditions: [{ field: '', match: 'exact' }] },
            ],
          })
        }
      >
        {t('dup.add')}
      </Button>
      <Flex justify="end">
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('dup.save')}
        </Button>
      </Flex>
    </div>
  );
}
