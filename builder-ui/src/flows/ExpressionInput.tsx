import { CheckCircleFilled } from '@ant-design/icons';
import { Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { checkExpression, type ExpressionIssue } from '../api/expressions';
import { useI18n } from '../i18n/context';

interface Props {
  value: string;
  onChange: (v: string) => void;
  object: string;
  kind: 'condition' | 'value';
  /** value: the type of the field it sets. */
  type?: string;
  placeholder?: string;
  'aria-label': string;
}

// How long typing may pause before the server is asked.
const debounceMs = 400;

/** An expression field that the server type-checks as one types; a mistake shows at its line and column. */
export function ExpressionInput({ value, onChange, object, kind, type, placeholder, 'aria-label': ariaLabel }: Props) {
  const { t } = useI18n();
  const [issue, setIssue] = useState<ExpressionIssue | null>(null);
  const [okType, setOkType] = useState<string | null>(null);

  useEffect(() => {
    setIssue(null);
    setOkType(null);
    if (!value.trim() || !object || (kind === 'value' && !type)) return;
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      checkExpression({ object, expression: value, kind, type }, ctl.signal)
        .then((r) => {
          if (r.ok) setOkType(r.type ?? '');
          else setIssue(r.errors?.[0] ?? { line: 0, column: 0, message: t('flows.expr.invalid') });
        })
        .catch((e: unknown) => {
          // A request the answer no longer matters to is aborted; anything else is shown.
          if (ctl.signal.aborted) return;
          setIssue({ line: 0, column: 0, message: e instanceof ApiError ? e.message : String(e) });
        });
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [value, object, kind, type, t]);

  return (
    <div>
      <Input.TextArea
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        aria-label={ariaLabel}
        aria-invalid={issue ? true : undefined}
        status={issue ? 'error' : undefined}
        autoSize={{ minRows: 1, maxRows: 4 }}
        spellCheck={false}
        className="crm-expr-input"
      />
      {issue && (
        <Typography.Text type="danger" role="alert" className="crm-expr-issue">
          {issue.line > 0 ? t('flows.expr.at', { line: issue.line, column: issue.column }) + ' ' : ''}
          {issue.message}
        </Typography.Text>
      )}
      {okType !== null && !issue && (
        <Typography.Text type="success" className="crm-expr-issue">
          <CheckCircleFilled /> {okType ? t('flows.expr.okType', { type: okType }) : t('flows.expr.ok')}
        </Typography.Text>
      )}
    </div>
  );
}
