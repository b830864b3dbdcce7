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
  /** How an index is named in the list: its name, else its place. */
  indexName: (key: string) => string;
}

/** Why the last save was refused: problems (also shown where they belong), breakage, a conflict. */
export function SaveErrors({ error, placed, onReload, onShowProblem, fieldName, indexName }: Props) {
  const { t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'invalid_definition') {
    const links = [
      ...Object.entries(placed.fields).map(([k, ps]) => ({
        where: 'field' as const,
        k,
        text: `${fieldName(k)}: ${ps[0]!.message}`,
      })),
      ...Object.entries(placed.sections).map(([k, ps]) => ({ where: 'section' as const, k, text: ps[0]!.message })),
      ...Object.entries(placed.rules).map(([k, ps]) => ({ where: 'rule' as const, k, text: ps[0]!.message })),
      ...placed.indexList.map((p) => ({ where: 'index' as const, k: '', text: p.message })),
      ...Object.entries(placed.indexes).map(([k, ps]) => ({
        where: 'index' as const,
        k,
        text: `${indexName(k)}: ${ps[0]!.message}`,
      })),
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
            {links.map((l) => (
              <li key={l.where + l.k}>
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
