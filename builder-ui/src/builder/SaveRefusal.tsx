import { Alert } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

/**
 * Why a definition's save was refused: every problem with where it is (a problem the card can
 * place is shown at its setting too), or the server's error.
 */
export function SaveRefusal({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <Alert
      type="error"
      showIcon
      className="crm-gap"
      data-testid={testId}
      message={problems.length ? t('builder.save.invalid', { count: problems.length }) : errorText(error, t)}
      description={
        problems.length ? (
          <ul className="crm-problem-list">
            {problems.map((p) => (
              <li key={p.pointer + p.code}>{p.pointer ? `${p.pointer}: ${p.message}` : p.message}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
