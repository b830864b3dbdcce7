import { DeleteOutlined } from '@ant-design/icons';
import {
  AutoComplete,
  Button,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Option } from '../api/definitions';
import type { FieldDef } from '../api/objects';
import { useObjects } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { freeName, nameFromLabel, updateField, type Draft } from './draft';
import { ExpressionEditor } from './ExpressionEditor';
import { allows, resultTypes, typeIcons, type FieldType, type Setting } from './fieldTypes';
import { LabelInputs } from './LabelInputs';
import { OptionsEditor } from './OptionsEditor';
import { problemsAt, type PlacedProblem } from './problems';
import { PropItem } from './PropItem';
import { RollupProperties } from './RollupProperties';

interface Props {
  draft: Draft;
  fieldKey: string;
  problems?: PlacedProblem[];
  onChange: (d: Draft) => void;
  onRemove: () => void;
}

const currencies = ['CNY', 'USD', 'EUR', 'JPY', 'GBP', 'HKD', 'SGD', 'AUD', 'CAD', 'CHF'];

/** Every setting of the selected field that its type takes. */
export function FieldProperties({ draft, fieldKey, problems, onChange, onRemove }: Props) {
  const { t, locale } = useI18n();
  const objects = useObjects();
  const f = draft.fields[fieldKey]!;
  const type = f.type as FieldType;
  const saved = draft.saved.includes(fieldKey);
  const set = (patch: Partial<FieldDef>) => onChange(updateField(draft, fieldKey, patch));
  const has = (s: Setting) => allows(type, s);
  const at = (s: string) => problemsAt(problems, s);
  const str = (k: string) => (typeof f[k] === 'string' ? f[k] : '');
  const num = (k: string) => (f[k] === undefined || f[k] === null || f[k] === '' ? null : Number(f[k]));
  const id = (k: string) => `prop-${k}`;

  // A new field's name follows its English label until the analyst names it.
  const setLabel = (label: FieldDef['label']) => {
    const follows = !saved && f.name === freeName(draft, nameFromLabel(f.label?.en ?? '') || type, fieldKey);
    const name = follows ? freeName(draft, nameFromLabel(label?.en ?? '') || type, fieldKey) : f.name;
    set({ label, name });
  };

  const expr = (k: Setting, kind: 'condition' | 'value' | 'formula', label: string, exprType?: string) =>
    has(k) || k === ('visible_when' as Setting) ? (
      <PropItem label={label} htmlFor={id(k)}>
        <ExpressionEditor
          id={id(k)}
          testId={`expr-${k}`}
          value={str(k)}
          onChange={(v) => set({ [k]: v })}
          kind={kind}
          type={exprType}
          problems={at(k)}
          placeholder={t(`builder.expr.placeholder.${kind}`)}
        />
      </PropItem>
    ) : null;

  const flag = (k: 'required' | 'unique' | 'indexed' | 'read_only') =>
    k === 'read_only' || has(k) ? (
      <Checkbox key={k} checked={!!f[k]} onChange={(e) => set({ [k]: e.target.checked })}>
        {t(`builder.prop.${k}`)}
      </Checkbox>
    ) : null;

  return (
    <Form layout="vertical" size="middle" className="crm-props" data-testid="field-properties" component="div">
      <div className="crm-props-head">
        <span className="crm-palette-icon">{typeIcons[type]}</span>
        <Typography.Text strong>{t(`type.${type}`)}</Typography.Text>
        <Tag>{f.name}</Tag>
        <Popconfirm title={t('builder.field.removeConfirm')} onConfirm={onRemove} okText={t('common.remove')}>
          <Button danger type="text" size="small" icon={<DeleteOutlined />} className="crm-props-remove">
            {t('builder.field.remove')}
          </Button>
        </Popconfirm>
      </div>
      {problemsAt(problems, '').map((p, i) => (
        <Typography.Paragraph key={i} type="danger">
          {p.message}
        </Typography.Paragraph>
      ))}
      <LabelInputs what="label" value={f.label} onChange={setLabel} problems={problems} />
      <PropItem
        label={t('builder.prop.name')}
        problems={at('name')}
        htmlFor={id('name')}
        extra={saved ? t('builder.prop.nameFixed') : undefined}
      >
        <Input id={id('name')} value={f.name} disabled={saved} onChange={(e) => set({ name: e.target.value })} />
      </PropItem>
      <Space wrap size={[16, 4]} className="crm-props-flags">
        {flag('required')}
        {flag('unique')}
        {flag('indexed')}
        {flag('read_only')}
      </Space>
      {problemsAt(problems, 'required')
        .concat(at('unique'), at('indexed'))
        .map((p, i) => (
          <Typography.Paragraph key={i} type="danger">
            {p.message}
          </Typography.Paragraph>
        ))}
      <LabelInputs
        what="help"
        value={f.help as FieldDef['label']}
        onChange={(help) => set({ help })}
        problems={problems}
        textarea
      />

      {has('result_type') && (
        <PropItem label={t('builder.prop.result_type')} problems={at('result_type')} htmlFor={id('result_type')}>
          <Select
            id={id('result_type')}
            value={str('result_type') || undefined}
            onChange={(v: string) => set({ result_type: v, ...(v !== 'currency' ? { currency: undefined } : {}) })}
            options={resultTypes.map((r) => ({ value: r, label: t(`type.${r as FieldType}`) }))}
          />
        </PropItem>
      )}
      {has('expression') && expr('expression', 'formula', t('builder.prop.expression'), str('result_type'))}
      {type === 'rollup' && <RollupProperties objectName={draft.name} field={f} problems={problems} set={set} />}
      {has('options') && (
        <PropItem label={t('builder.prop.options')} problems={at('options')}>
          <OptionsEditor
            value={(f.options as Option[] | undefined) ?? []}
            closable={f.type === 'picklist'}
            onChange={(options) => set({ options })}
            problems={problemsAt(problems, 'options/', true)}
          />
        </PropItem>
      )}
      {has('target') && (
        <PropItem label={t('builder.prop.target')} problems={at('target')} htmlFor={id('target')}>
          <Select
            id={id('target')}
            showSearch
            value={str('target') || undefined}
            onChange={(v: string) => set({ target: v })}
            // Objects by their label (the API name after it, searchable too); this object as well.
            optionFilterProp="search"
            options={[
              ...(objects.data ?? []).filter((o) => o.name !== draft.name),
              ...(draft.name ? [{ name: draft.name, label: draft.label }] : []),
            ].map((o) => {
              const label = pickLabel(o.label, locale, o.name);
              return {
                value: o.name,
                search: `${label} ${o.name}`,
                label: (
                  <span>
                    {label}
                    {label !== o.name && <Typography.Text type="secondary"> · {o.name}</Typography.Text>}
                  </span>
                ),
              };
            })}
          />
        </PropItem>
      )}
      {has('currency') && (type === 'currency' || str('result_type') === 'currency') && (
        <PropItem label={t('builder.prop.currency')} problems={at('currency')} htmlFor={id('currency')}>
          <AutoComplete
            id={id('currency')}
            value={str('currency')}
            onChange={(v: string) => set({ currency: v.toUpperCase() })}
            options={currencies.map((c) => ({ value: c }))}
          />
        </PropItem>
      )}
      {(has('min') || has('min_length') || has('scale') || has('digits')) && (
        <div className="crm-props-row">
          {has('min') && (
            <PropItem label={t('builder.prop.min')} problems={at('min')} htmlFor={id('min')}>
              <InputNumber id={id('min')} value={num('min')} onChange={(v) => set({ min: v ?? undefined })} />
            </PropItem>
          )}
          {has('max') && (
            <PropItem label={t('builder.prop.max')} problems={at('max')} htmlFor={id('max')}>
              <InputNumber id={id('max')} value={num('max')} onChange={(v) => set({ max: v ?? undefined })} />
            </PropItem>
          )}
          {has('min_length') && (
            <PropItem label={t('builder.prop.min_length')} problems={at('min_length')} htmlFor={id('min_length')}>
              <InputNumber
                id={id('min_length')}
                min={0}
                precision={0}
                value={num('min_length')}
                onChange={(v) => set({ min_length: v ?? undefined })}
              />
            </PropItem>
          )}
          {has('max_length') && (
            <PropItem label={t('builder.prop.max_length')} problems={at('max_length')} htmlFor={id('max_length')}>
              <InputNumber
                id={id('max_length')}
                min={1}
                precision={0}
                value={num('max_length')}
                onChange={(v) => set({ max_length: v ?? undefined })}
              />
            </PropItem>
          )}
          {has('scale') && (type !== 'formula' || ['number', 'percent'].includes(str('result_type'))) && (
            <PropItem label={t('builder.prop.scale')} problems={at('scale')} htmlFor={id('scale')}>
              <InputNumber
                id={id('scale')}
                min={0}
                max={9}
                precision={0}
                value={num('scale')}
                onChange={(v) => set({ scale: v ?? undefined })}
              />
            </PropItem>
          )}
          {has('digits') && (
            <PropItem label={t('builder.prop.digits')} problems={at('digits')} htmlFor={id('digits')}>
              <InputNumber
                id={id('digits')}
                min={1}
                max={18}
                precision={0}
                value={num('digits')}
                onChange={(v) => set({ digits: v ?? undefined })}
              />
            </PropItem>
          )}
        </div>
      )}
      {has('prefix') && (
        <PropItem label={t('builder.prop.prefix')} problems={at('prefix')} htmlFor={id('prefix')}>
          <Input id={id('prefix')} value={str('prefix')} onChange={(e) => set({ prefix: e.target.value })} />
        </PropItem>
      )}
      {has('pattern') && (
        <PropItem
          label={t('builder.prop.pattern')}
          problems={at('pattern')}
          htmlFor={id('pattern')}
          extra={t('builder.prop.patternHint')}
        >
          <Input
            id={id('pattern')}
            className="crm-mono"
            value={str('pattern')}
            onChange={(e) => set({ pattern: e.target.value })}
          />
        </PropItem>
      )}
      {has('default_expression') && expr('default_expression', 'value', t('builder.prop.default_expression'), type)}
      <Typography.Text type="secondary" strong className="crm-props-group">
        {t('builder.prop.conditions')}
      </Typography.Text>
      {expr('visible_when' as Setting, 'condition', t('builder.prop.visible_when'))}
      {expr('required_when', 'condition', t('builder.prop.required_when'))}
      {expr('read_only_when', 'condition', t('builder.prop.read_only_when'))}
    </Form>
  );
}
