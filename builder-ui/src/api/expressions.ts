import { api } from './client';

export interface ExpressionIssue {
  line: number;
  column: number;
  message: string;
}

export interface ExpressionResult {
  ok: boolean;
  type?: string;
  errors?: ExpressionIssue[];
}

export interface ExpressionCheck {
  object: string;
  expression: string;
  /** condition: a yes/no test; value: a value for a field of type `type`. */
  kind: 'condition' | 'value';
  type?: string;
}

/** Type-checks one expression against a saved object, as a definition save would. */
export function checkExpression(req: ExpressionCheck, signal?: AbortSignal): Promise<ExpressionResult> {
  return api.post<ExpressionResult>('/api/meta/expressions/check', req, { signal });
}
