import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Definition } from '../api/definitions';
import { previewForm } from '../api/preview';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { GeneratedForm } from './GeneratedForm';
import { useDebounced } from './useDebounced';

/**
 * The generated form of the unsaved definition. Sample values typed here go to the server, which
 * answers which fields are visible, required and read-only, the formulas' values and the errors,
 * exactly as a create would decide.
 */
export function FormPreview({ definition }: { definition: Definition }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<string, unknown>>({});
  const sent = useDebounced({ def: JSON.stringify(definition), values }, 250);
  const q = useQuery({
    queryKey: ['meta', 'forms', 'preview', sent],
    queryFn: ({ signal }) => previewForm(JSON.parse(sent.def) as Definition, sent.values, signal),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const invalid = q.error instanceof ApiError && q.error.code === 'invalid_definition';
  if (q.isPending) return <Spin />;
  if (q.isError && !q.data) {
    return (
      <Alert
        type={invalid ? 'warning' : 'error'}
        showIcon
        message={invalid ? t('builder.preview.invalid') : errorText(q.error, t)}
        description={
          invalid
            ? (q.error as ApiError).problems.map((p) => <div key={p.pointer + p.code}>{p.message}</div>)
            : undefined
        }
      />
    );
  }
  const { form, state } = q.data;
  return (
    <Card
      className="crm-preview"
      data-testid="preview"
      title={
        <span>
          {form.label} {q.isFetching && <Spin size="small" />}
        </span>
      }
      extra={
        <Button size="small" onClick={() => setValues({})}>
          {t('builder.preview.clear')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('builder.preview.intro')}</Typography.Paragraph>
      {q.isError && <Alert type="warning" showIcon message={t('builder.preview.invalid')} className="crm-gap" />}
      <GeneratedForm
        form={form}
        fields={state.fields}
        values={values}
        computed={state.values}
        errors={state.errors}
        idPrefix="preview"
        onChange={(name, v) =>
          setValues((old) => {
            const next = { ...old };
            if (v === undefined || v === null || v === '') delete next[name];
            else next[name] = v;
            return next;
          })
        }
      />
    </Card>
  );
}
