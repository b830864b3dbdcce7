import { Select, Typography } from 'antd';
import { useMemo } from 'react';
import type { FieldDef } from '../api/objects';
import { useObjects } from '../api/objects';
import { pickLabel } from '../i18n/locale';
import { useI18n } from '../i18n/context';
import { BuilderContext, type BuilderContextValue } from './builderContext';
import { ExpressionEditor } from './ExpressionEditor';
import { rollupFunctions, summarizable } from './fieldTypes';
import type { PlacedProblem } from './problems';
import { problemsAt } from './problems';
import { PropItem } from './PropItem';

interface Props {
  /** The object being built: roll-ups summarize objects that look up to it. */
  objectName: string;
  field: FieldDef;
  problems?: PlacedProblem[];
  set: (patch: Partial<FieldDef>) => void;
}

/**
 * A roll-up's settings: the child object and its lookup to this object, the function, the field
 * it summarizes and a filter over the children. Any change clears the result type, which the
 * server derives from them at save.
 */
export function RollupProperties({ objectName, field, problems, set }: Props) {
  const { t, locale } = useI18n();
  const objects = useObjects();
  const at = (s: string) => problemsAt(problems, s);
  const str = (k: string) => (typeof field[k] === 'string' ? field[k] : '');
  const change = (patch: Partial<FieldDef>) =>
    set({ ...patch, result_type: undefined, currency: undefined, scale: undefined });

  const lookupsHere = (o: { fields: FieldDef[] }) =>
    o.fields.filter((f) => f.type === 'lookup' && f.target === objectName);
  const children = (objects.data ?? []).filter((o) => lookupsHere(o).length > 0);
  const child = children.find((o) => o.name === str('child_object'));
  const fn = str('function') || 'count';

  // The filter is an expression over a child: its editor checks it against the child's definition.
  const childCtx = useMemo<BuilderContextValue | null>(
    () =>
      child
        ? {
            definition: { name: child.name, label: child.label, fields: child.fields },
            fields: child.fields.map((f) => ({
              name: f.name,
              type: f.type,
              label: pickLabel(f.label, locale, f.name),
            })),
          }
        : null,
    [child, locale],
  );

  return (
    <>
      <PropItem label={t('builder.prop.child_object')} problems={at('child_object')} htmlFor="prop-child_object">
        <Select
          id="prop-child_object"
          showSearch
          value={str('child_object') || undefined}
          notFoundContent={t('builder.rollup.noChildren')}
          onChange={(v: string) => {
            const o = children.find((c) => c.name === v);
            const lookups = o ? lookupsHere(o) : [];
            change({ child_object: v, child_lookup: lookups.length === 1 ? lookups[0]!.name : undefined });
          }}
          options={children.map((o) => ({ value: o.name, label: pickLabel(o.label, locale, o.name) }))}
        />
      </PropItem>
      <PropItem label={t('builder.prop.child_lookup')} problems={at('child_lookup')} htmlFor="prop-child_lookup">
        <Select
          id="prop-child_lookup"
          value={str('child_lookup') || undefined}
          onChange={(v: string) => change({ child_lookup: v })}
          options={(child ? lookupsHere(child) : []).map((f) => ({
            value: f.name,
            label: pickLabel(f.label, locale, f.name),
          }))}
        />
      </PropItem>
      <PropItem label={t('builder.prop.function')} problems={at('function')} htmlFor="prop-function">
        <Select
          id="prop-function"
          value={fn}
          onChange={(v: string) => change({ function: v, summarize: v === 'count' ? undefined : field.summarize })}
          options={rollupFunctions.map((f) => ({
            value: f,
            label: t(`builder.rollup.fn.${f}` as 'builder.rollup.fn.count'),
          }))}
        />
      </PropItem>
      {fn !== 'count' && (
        <PropItem label={t('builder.prop.summarize')} problems={at('summarize')} htmlFor="prop-summarize">
          <Select
            id="prop-summarize"
            value={str('summarize') || undefined}
            onChange={(v: string) => change({ summarize: v })}
            options={(child?.fields ?? [])
              .filter((f) => summarizable.includes(f.type === 'formula' ? String(f.result_type) : f.type))
              .map((f) => ({ value: f.name, label: pickLabel(f.label, locale, f.name) }))}
          />
        </PropItem>
      )}
      {childCtx && (
        <BuilderContext.Provider value={childCtx}>
          <PropItem label={t('builder.prop.filter')} htmlFor="prop-filter" extra={t('builder.rollup.filterHint')}>
            <ExpressionEditor
              id="prop-filter"
              testId="expr-filter"
              value={str('filter')}
              onChange={(v) => change({ filter: v || undefined })}
              kind="condition"
              problems={at('filter')}
              placeholder={t('builder.expr.placeholder.condition')}
            />
          </PropItem>
        </BuilderContext.Provider>
      )}
      {problemsAt(problems, 'result_type')
        .concat(at('currency'), at('scale'))
        .map((p, i) => (
          <Typography.Paragraph key={i} type="danger">
            {p.message}
          </Typography.Paragraph>
        ))}
      <Typography.Paragraph type="secondary">{t('builder.rollup.hint')}</Typography.Paragraph>
    </>
  );
}
