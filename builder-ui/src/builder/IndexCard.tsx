import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined, DeleteOutlined, WarningFilled } from '@ant-design/icons';
import { Button, Card, Flex, Form, Input, Radio, Select, Typography } from 'antd';
import { useI18n } from '../i18n/context';
import { formatKey, maxIndexFields, parseKey, type IndexDef, type IndexKey } from './indexes';
import { problemsAt, type PlacedProblem } from './problems';
import { PropItem } from './PropItem';

export interface IndexFieldOption {
  value: string;
  label: string;
  system: boolean;
}

interface Props {
  /** The place of the index in the list, from 0. */
  index: number;
  value: IndexDef;
  /** The fields an index of this object may name, the object's first. */
  choices: IndexFieldOption[];
  problems?: PlacedProblem[];
  onChange: (ix: IndexDef) => void;
  onRemove: () => void;
}

/** One composite index: an optional name and 2 to 4 fields in order, each ascending or descending. */
export function IndexCard({ index, value, choices, problems, onChange, onRemove }: Props) {
  const { t } = useI18n();
  const keys = value.fields.map(parseKey);
  const n = index + 1;
  const id = (k: string) => `index-${index}-${k}`;
  const setKeys = (next: IndexKey[]) => onChange({ ...value, fields: next.map(formatKey) });
  const swap = (a: number, b: number) => {
    const next = [...keys];
    [next[a], next[b]] = [next[b]!, next[a]!];
    setKeys(next);
  };
  const labelOf = (name: string) => choices.find((c) => c.value === name)?.label ?? name;
  // A field is in an index once: the choices of a row leave out the fields of the other rows.
  const options = (own?: string) => {
    const free = choices.filter((c) => c.value === own || !keys.some((k) => k.name === c.value));
    const group = (system: boolean) =>
      free.filter((c) => c.system === system).map((c) => ({ value: c.value, label: c.label }));
    return [
      { label: t('builder.indexes.objectFields'), options: group(false) },
      { label: t('builder.indexes.systemFields'), options: group(true) },
    ].filter((g) => g.options.length > 0);
  };
  const title = value.name?.trim() || t('builder.indexes.title', { n });

  return (
    <Card
      size="small"
      className="crm-rule"
      data-testid={`index-${index}`}
      title={
        <span>
          {problems?.length ? <WarningFilled className="crm-field-problem" /> : null} {title}
          {!value.name?.trim() && keys.length > 0 && (
            <Typography.Text type="secondary" className="crm-index-summary">
              {' '}
              {keys.map((k) => `${labelOf(k.name)} ${k.desc ? '↓' : '↑'}`).join(', ')}
            </Typography.Text>
          )}
        </span>
      }
      extra={
        <Button
          type="text"
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('builder.indexes.remove', { n })}
          onClick={onRemove}
        />
      }
    >
      <Form layout="vertical" component="div">
        <PropItem label={t('builder.indexes.name')} problems={problemsAt(problems, 'name')} htmlFor={id('name')}>
          <Input
            id={id('name')}
            value={value.name ?? ''}
            maxLength={63}
            onChange={(e) => onChange({ ...value, name: e.target.value })}
          />
        </PropItem>
        <PropItem
          label={t('builder.indexes.fields')}
          problems={problemsAt(problems, 'fields')}
          extra={t('builder.indexes.count')}
        >
          <ol className="crm-index-keys">
            {keys.map((k, j) => {
              const bad = problemsAt(problems, `fields/${j}`);
              const m = j + 1;
              return (
                <li key={`${j}-${k.name}`} data-testid={`index-${index}-field-${j}`}>
                  <Flex gap={8} wrap align="center">
                    <Select
                      aria-label={t('builder.indexes.field', { n: m })}
                      value={k.name}
                      status={bad.length ? 'error' : undefined}
                      options={options(k.name)}
                      showSearch
                      optionFilterProp="label"
                      onChange={(name: string) => setKeys(keys.map((x, i) => (i === j ? { ...x, name } : x)))}
                      style={{ flex: '1 1 150px', minWidth: 0 }}
                    />
                    <Radio.Group
                      aria-label={t('builder.indexes.order', { n: m })}
                      optionType="button"
                      value={k.desc ? 'desc' : 'asc'}
                      onChange={(e) =>
                        setKeys(keys.map((x, i) => (i === j ? { ...x, desc: e.target.value === 'desc' } : x)))
                      }
                      options={[
                        { value: 'asc', label: `↑ ${t('builder.indexes.asc')}` },
                        { value: 'desc', label: `↓ ${t('builder.indexes.desc')}` },
                      ]}
                    />
                    <span>
                      <Button
                        type="text"
                        icon={<ArrowUpOutlined />}
                        disabled={j === 0}
                        aria-label={t('builder.indexes.up', { n: m })}
                        onClick={() => swap(j, j - 1)}
                      />
                      <Button
                        type="text"
                        icon={<ArrowDownOutlined />}
                        disabled={j === keys.length - 1}
                        aria-label={t('builder.indexes.down', { n: m })}
                        onClick={() => swap(j, j + 1)}
                      />
                      <Button
                        type="text"
                        icon={<CloseOutlined />}
                        aria-label={t('builder.indexes.removeField', { n: m })}
                        onClick={() => setKeys(keys.filter((_, i) => i !== j))}
                      />
                    </span>
                  </Flex>
                  {bad.length > 0 && (
                    <Typography.Text type="danger" className="crm-index-key-problem">
                      {bad.map((p) => p.message).join('; ')}
                    </Typography.Text>
                  )}
                </li>
              );
            })}
          </ol>
          {keys.length < maxIndexFields && (
            <Select
              aria-label={t('builder.indexes.addField')}
              placeholder={t('builder.indexes.addField')}
              value={null}
              options={options()}
              showSearch
              optionFilterProp="label"
              onChange={(name: string | null) => name && setKeys([...keys, { name, desc: false }])}
              style={{ width: '100%', maxWidth: 320 }}
            />
          )}
        </PropItem>
      </Form>
    </Card>
  );
}
