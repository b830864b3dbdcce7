import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import type { Breakage } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { Placed } from './problems';

interface Props {
  error: unknown;
  placed: Placed;
  onReload: () => void;
  onShowProblem: (where: 'field' | 'rule' | 'section' | 'index', key: string) => void;
  fieldName: (key: string) => string;
  /** How a rule is named in the list: its name. */
  ruleName: (key: string) => string;
  /** How an index is named in the list: its name, else its place. */
  indexName: (key: string) => string;
}

/** Why the last save was refused: problems (also shown where they belong), breakage, a conflict. */
export function SaveErrors({ error, placed, onReload, onShowProblem, fieldName, ruleName, indexName }: Props) {
  const { t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'invalid_definition') {
    // Every problem has its line, also a second one of the same field or rule: the analyst sees
    // all of them after the first save, not one per place.
    const links = [
      ...Object.entries(placed.fields).flatMap(([k, ps]) =>
        ps.map((p) => ({ where: 'field' as const, k, text: `${fieldName(k)}: ${p.message}` })),
      ),
      ...Object.entries(placed.sections).flatMap(([k, ps]) =>
        ps.map((p) => ({ where: 'section' as const, k, text: p.message })),
      ),
      ...Object.entries(placed.rules).flatMap(([k, ps]) =>
        ps.map((p) => ({ where: 'rule' as const, k, text: `${ruleName(k)}: ${p.message}` })),
      ),
      ...placed.indexList.map((p) => ({ where: 'index' as const, k: '', text: p.message })),
      ...Object.entries(placed.indexes).flatMap(([k, ps]) =>
        ps.map((p) => ({ where: 'index' as const, k, text: `${indexName(k)}: ${p.message}` })),
      ),
    ];
    return (
      <Alert
        type="error"
        showIcon
        className="crm-gap"
        data-testid="save-error"
        message={t('builder.save.invalid', { count: placed.count })}
        description={
          <ul className="crm-problem-list">
            {placed.object.map((p, i) => (
              <li key={`o${i}`}>{p.message}</li>
            ))}
            {links.map((l, i) => (
              <li key={`${l.where}${l.k}${i}`}>
                <a role="button" onClick={() => onShowProblem(l.where, l.k)}>
                  {l.text}
                </a>
              </li>
            ))}
          </ul>
        }
      />
    );
  }
  if (error instanceof ApiError && error.code === 'breaking_change') {
    const items = (error.details as Breakage[] | undefined) ?? [];
    const total = items.reduce((n, b) => n + b.records, 0);
    return (
      <Alert
        type="warning"
        showIcon
        className="crm-gap"
        data-testid="save-error"
        message={t('builder.save.breaking', { count: total })}
        description={
          <ul className="crm-problem-list">
            {items.map((b, i) => (
              <li key={i}>
                {t(`builder.breaking.${b.change as 'required'}`, {
                  field: b.field,
                  count: b.records,
                  values: (b.values ?? []).join(', '),
                })}
              </li>
            ))}
          </ul>
        }
      />
    );
  }
  if (error instanceof ApiError && error.code === 'version_conflict') {
    return (
      <Alert
        type="warning"
        showIcon
        className="crm-gap"
        data-testid="save-error"
        message={t('builder.save.conflict')}
        action={<Button onClick={onReload}>{t('common.reload')}</Button>}
      />
    );
  }
  return <Alert type="error" showIcon className="crm-gap" data-testid="save-error" message={errorText(error, t)} />;
}
