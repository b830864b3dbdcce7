import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Grid, Row, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Definition } from '../api/definitions';
import { previewForm } from '../api/preview';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PreviewInput } from './PreviewInput';
import { useDebounced } from './useDebounced';

/**
 * The generated form of the unsaved definition. Sample values typed here go to the server, which
 * answers which fields are visible, required and read-only, the formulas' values and the errors,
 * exactly as a create would decide.
 */
export function FormPreview({ definition }: { definition: Definition }) {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const [values, setValues] = useState<Record<string, unknown>>({});
  const sent = useDebounced({ def: JSON.stringify(definition), values }, 250);
  const q = useQuery({
    queryKey: ['meta', 'forms', 'preview', sent],
    queryFn: ({ signal }) => previewForm(JSON.parse(sent.def), sent.values, signal),
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
  const { form, state } = q.data!;
  const byName = new Map(form.fields.map((f) => [f.name, f]));
  const errorsOf = (name: string) => state.errors.filter((e) => e.field === name);
  const recordErrors = state.errors.filter((e) => !e.field);
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
      {recordErrors.map((e, i) => (
        <Alert key={i} type="error" showIcon message={e.message} className="crm-gap" />
      ))}
      <Form layout="vertical" component="div">
        {form.sections.map((s, si) => (
          <div key={si} className="crm-preview-section">
            {s.label && <Typography.Title level={5}>{s.label}</Typography.Title>}
            <Row gutter={16}>
              {s.fields.map((name) => {
                const f = byName.get(name);
                const st = state.fields[name];
                if (!f || (st && !st.visible)) return null;
                const errs = errorsOf(name);
                const computed = f.type === 'formula' || f.type === 'autonumber';
                return (
                  <Col key={name} span={screens.md ? 24 / Math.max(1, s.columns) : 24} data-testid={`preview-${name}`}>
                    <Form.Item
                      label={f.label}
                      htmlFor={`preview-input-${name}`}
                      required={st?.required ?? f.required}
                      tooltip={f.help}
                      validateStatus={errs.length ? 'error' : undefined}
                      help={errs.length ? errs.map((e) => e.message).join('; ') : undefined}
                    >
                      <PreviewInput
                        field={f}
                        id={`preview-input-${name}`}
                        value={computed ? state.values[name] : values[name]}
                        readOnly={computed || !!st?.read_only}
                        onChange={(v) =>
                          setValues((old) => {
                            const next = { ...old };
                            if (v === undefined || v === null || v === '') delete next[name];
                            else next[name] = v;
                            return next;
                          })
                        }
                      />
                    </Form.Item>
                  </Col>
                );
              })}
            </Row>
          </div>
        ))}
      </Form>
    </Card>
  );
}
