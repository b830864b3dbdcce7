import { CheckCircleFilled, CloseCircleFilled, LoadingOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import type { ExprCheck } from '../api/definitions';
import { useI18n } from '../i18n/context';
import type { PlacedProblem } from './problems';

interface Props {
  value: string;
  result?: ExprCheck;
  pending: boolean;
  failed: boolean;
  problems?: PlacedProblem[];
  onGoTo: (line: number, column: number) => void;
}

/** Under an expression: its mistake with a caret under the very column, or the type it gives. */
export function ExpressionStatus({ value, result, pending, failed, problems, onGoTo }: Props) {
  const { t } = useI18n();
  const issue = result?.errors?.[0];
  const shown = issue ?? (result?.ok ? undefined : problems?.[0]);
  if (shown) {
    const line = shown.line ?? 0;
    const column = shown.column ?? 0;
    const text = line > 0 ? (value.split('\n')[line - 1] ?? '') : '';
    return (
      <div className="crm-expr-error" data-testid="expr-error" data-line={line} data-column={column}>
        <Typography.Text type="danger">
          <CloseCircleFilled />{' '}
          {line > 0 && (
            <a role="button" onClick={() => onGoTo(line, column)} className="crm-expr-pos">
              {t('expr.at', { line, column })}
            </a>
          )}{' '}
          {shown.message}
        </Typography.Text>
        {line > 0 && (
          <pre className="crm-expr-caret" aria-hidden>
            {text}
            {'\n'}
            {' '.repeat(Math.max(0, column - 1))}^
          </pre>
        )}
      </div>
    );
  }
  if (!value.trim()) return null;
  if (pending && !result) {
    return (
      <div className="crm-expr-ok">
        <Typography.Text type="secondary">
          <LoadingOutlined /> {t('expr.checking')}
        </Typography.Text>
      </div>
    );
  }
  if (failed) return null;
  if (result?.ok) {
    return (
      <div className="crm-expr-ok" data-testid="expr-ok">
        <Typography.Text type="success">
          <CheckCircleFilled /> {result.type ? t('expr.okType', { type: result.type }) : t('expr.ok')}
        </Typography.Text>
      </div>
    );
  }
  return null;
}
