import { Alert, Typography } from 'antd';
import { Link } from 'react-router';
import type { Duplicates } from '../api/duplicates';
import { useI18n } from '../i18n/context';

/**
 * What duplicate rules found for the form's values: each match the user may see, linked, with
 * the rule that found it, and a count of the others. Red when a rule blocks the save.
 */
export function DuplicatesAlert({ found, saved }: { found: Duplicates; saved?: boolean }) {
  const { t } = useI18n();
  return (
    <Alert
      type={found.block && !saved ? 'error' : 'warning'}
      showIcon
      role="alert"
      data-testid="duplicates-alert"
      style={{ marginBottom: 16 }}
      message={found.block && !saved ? t('app.dup.blocked') : t('app.dup.warn')}
      description={
        <>
          <ul className="crm-problem-list">
            {found.matches.map((m) => (
              <li key={`${m.object}/${m.id}`}>
                <Link to={`/app/${m.object}/${m.id}`} target="_blank">
                  {m.title ?? m.id}
                </Link>{' '}
                <Typography.Text type="secondary">
                  {t('app.dup.byRule', { rule: m.rule_label || m.rule })}
                  {m.score ? ` · ${Math.round(m.score * 100)}%` : ''}
                </Typography.Text>
              </li>
            ))}
          </ul>
          {found.hidden > 0 && (
            <Typography.Text type="secondary">{t('app.dup.hidden', { count: found.hidden })}</Typography.Text>
          )}
        </>
      }
    />
  );
}
