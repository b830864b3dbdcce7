import { PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Button, Empty, Typography } from 'antd';
import type { ValidationRule } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { newKey, type Draft } from './draft';
import type { Placed } from './problems';
import { RuleCard } from './RuleCard';

/** Validation rules: a record is refused while a rule's condition holds, with its message. */
export function RulesEditor({
  draft,
  problems,
  onChange,
}: {
  draft: Draft;
  problems: Placed;
  onChange: (d: Draft) => void;
}) {
  const { t } = useI18n();
  const set = (key: string, rule: ValidationRule) =>
    onChange({ ...draft, rules: draft.rules.map((r) => (r.key === key ? { key, rule } : r)) });
  const add = () => {
    const taken = new Set(draft.rules.map((r) => r.rule.name));
    let n = draft.rules.length + 1;
    while (taken.has(`rule_${n}`)) n++;
    onChange({
      ...draft,
      rules: [...draft.rules, { key: newKey('r'), rule: { name: `rule_${n}`, error_when: '', message: {} } }],
    });
  };
  return (
    <div className="crm-rules" data-testid="rules-editor">
      <Typography.Paragraph type="secondary">{t('builder.rules.intro')}</Typography.Paragraph>
      {draft.rules.length === 0 && (
        <Empty
          image={<SafetyCertificateOutlined className="crm-empty-icon" />}
          description={t('builder.rules.empty')}
        />
      )}
      {draft.rules.map((r, i) => (
        <RuleCard
          key={r.key}
          index={i}
          rule={r.rule}
          draft={draft}
          problems={problems.rules[r.key]}
          onChange={(rule) => set(r.key, rule)}
          onRemove={() => onChange({ ...draft, rules: draft.rules.filter((x) => x.key !== r.key) })}
        />
      ))}
      <Button type="dashed" icon={<PlusOutlined />} onClick={add} block>
        {t('builder.rules.add')}
      </Button>
    </div>
  );
}
