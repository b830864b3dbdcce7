import { Alert, Col, Form, Grid, Row, Typography } from 'antd';
import type { FormErrorItem, FieldState, Form as FormDesc } from '../api/preview';
import { PreviewInput } from '../fields/registry';

interface Props {
  form: FormDesc;
  fields: Record<string, FieldState>;
  /** What the user typed. */
  values: Record<string, unknown>;
  /** The server's values after defaults and formulas (computed fields are shown from here). */
  computed: Record<string, unknown>;
  errors: FormErrorItem[];
  onChange: (name: string, value: unknown) => void;
  idPrefix: string;
}

/** A form generated from a definition: its sections and columns, following the server's state. */
export function GeneratedForm({ form, fields, values, computed, errors, onChange, idPrefix }: Props) {
  const screens = Grid.useBreakpoint();
  const byName = new Map(form.fields.map((f) => [f.name, f]));
  const errorsOf = (name: string) => errors.filter((e) => e.field === name);
  return (
    <Form layout="vertical" component="div">
      {errors
        .filter((e) => !e.field || !byName.has(e.field))
        .map((e, i) => (
          <Alert key={i} type="error" showIcon message={e.message} className="crm-gap" />
        ))}
      {form.sections.map((s, si) => (
        <div key={si} className="crm-preview-section">
          {s.label && <Typography.Title level={5}>{s.label}</Typography.Title>}
          <Row gutter={16}>
            {s.fields.map((name) => {
              const f = byName.get(name);
              const st = fields[name];
              if (!f || (st && !st.visible)) return null;
              const errs = errorsOf(name);
              const isComputed = f.type === 'formula' || f.type === 'autonumber';
              return (
                <Col
                  key={name}
                  span={screens.md ? 24 / Math.max(1, s.columns) : 24}
                  data-testid={`${idPrefix}-${name}`}
                >
                  <Form.Item
                    label={f.label}
                    htmlFor={`${idPrefix}-input-${name}`}
                    required={st?.required ?? f.required}
                    tooltip={f.help}
                    validateStatus={errs.length ? 'error' : undefined}
                    help={errs.length ? errs.map((e) => e.message).join('; ') : undefined}
                  >
                    <PreviewInput
                      field={f}
                      id={`${idPrefix}-input-${name}`}
                      value={isComputed ? computed[name] : values[name]}
                      readOnly={isComputed || !!st?.read_only}
                      onChange={(v) => onChange(name, v)}
                    />
                  </Form.Item>
                </Col>
              );
            })}
          </Row>
        </div>
      ))}
    </Form>
  );
}
