import { Form } from 'antd';
import type { ReactNode } from 'react';
import type { PlacedProblem } from './problems';

/** One setting of the property panel with the server's problems of that setting under it. */
export function PropItem({
  label,
  problems,
  children,
  extra,
  htmlFor,
}: {
  label: ReactNode;
  problems?: PlacedProblem[];
  children: ReactNode;
  extra?: ReactNode;
  htmlFor?: string;
}) {
  const bad = !!problems?.length;
  return (
    <Form.Item
      label={label}
      htmlFor={htmlFor}
      extra={extra}
      validateStatus={bad ? 'error' : undefined}
      help={bad ? problems.map((p) => p.message).join('; ') : undefined}
    >
      {children}
    </Form.Item>
  );
}
