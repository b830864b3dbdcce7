import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Input, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { checkExpression, useExpressionLibrary, type Definition, type ExprKind } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { useBuilder } from './builderContext';
import { applySuggestion, completionItems, inString, offsetOf, suggest, wordAt, type Suggestion } from './completion';
import { ExpressionStatus } from './ExpressionStatus';
import type { PlacedProblem } from './problems';
import { useDebounced } from './useDebounced';

interface Props {
  value: string;
  onChange: (v: string) => void;
  kind: ExprKind;
  /** value: the field's type; formula: the result type. */
  type?: string;
  id?: string;
  placeholder?: string;
  problems?: PlacedProblem[];
  testId?: string;
}

/**
 * Every expression of the builder is written here: field names and library functions complete as
 * one types (arrows, Enter or Tab), and the server checks the text against the unsaved definition
 * (debounced), marking the mistake at its line and column.
 */
export function ExpressionEditor({ value, onChange, kind, type, id, placeholder, problems, testId }: Props) {
  const { t } = useI18n();
  const { definition, fields } = useBuilder();
  const library = useExpressionLibrary();
  const ref = useRef<TextAreaRef>(null);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const ownerCounts = ownerCountNames(definition);
  const ownerCountsKey = ownerCounts.join(',');
  const all = useMemo(
    () =>
      completionItems(fields, library.data?.functions ?? [], t('expr.operator'), {
        library: library.data?.variables,
        oldDetail: t('expr.old'),
        ownerCounts: ownerCountsKey ? ownerCountsKey.split(',') : [],
      }),
    [fields, library.data, t, ownerCountsKey],
  );
  const { start, word } = wordAt(value, caret);
  const list = open && !inString(value, caret) ? suggest(all, word) : [];

  // The check sends the draft as it is now, so a field added a moment ago is already known.
  const defJson = JSON.stringify(definition);
  const checked = useDebounced({ value, defJson, kind, type }, 350);
  const check = useQuery({
    queryKey: ['meta', 'expressions', 'check', checked],
    queryFn: ({ signal }) =>
      checkExpression(
        {
          definition: JSON.parse(checked.defJson) as Definition,
          expression: checked.value,
          kind: checked.kind,
          type: checked.type,
        },
        signal,
      ),
    enabled: checked.value.trim() !== '' && (kind !== 'formula' || !!type),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const result = value.trim() === '' ? undefined : check.data;
  const pending = checked.value !== value || check.isFetching;

  const textarea = () => ref.current?.resizableTextArea?.textArea;
  const syncCaret = () => setCaret(textarea()?.selectionStart ?? value.length);

  const accept = (s: Suggestion) => {
    const { value: next, caret: at } = applySuggestion(value, start, caret, s);
    onChange(next);
    setOpen(false);
    requestAnimationFrame(() => {
      textarea()?.setSelectionRange(at, at);
      setCaret(at);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (list.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(list[Math.min(active, list.length - 1)]!);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
    }
  };

  const goTo = (line: number, column: number) => {
    const ta = textarea();
    if (!ta) return;
    const at = offsetOf(value, line, column);
    ta.focus();
    ta.setSelectionRange(at, at + 1);
  };

  const issue = result?.errors?.[0];
  const listId = `${id ?? testId ?? 'expr'}-suggestions`;
  return (
    <div className="crm-expr" data-testid={testId}>
      <div className="crm-expr-field">
        <Input.TextArea
          ref={ref}
          id={id}
          value={value}
          placeholder={placeholder}
          autoSize={{ minRows: 1, maxRows: 6 }}
          spellCheck={false}
          autoComplete="off"
          className="crm-expr-input"
          status={issue || problems?.length ? 'error' : undefined}
          aria-invalid={!!issue}
          aria-autocomplete="list"
          aria-controls={list.length ? listId : undefined}
          aria-expanded={list.length > 0}
          role="combobox"
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(e.target.selectionStart);
            setOpen(true);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') syncCaret();
          }}
          onClick={syncCaret}
          onBlur={() => setOpen(false)}
        />
        {list.length > 0 && (
          <div className="crm-expr-suggest" role="listbox" id={listId}>
            {list.map((s, i) => (
              <div
                key={`${s.kind}:${s.text}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'crm-expr-option crm-expr-option-active' : 'crm-expr-option'}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(s);
                }}
              >
                <span className={`crm-expr-kind crm-expr-kind-${s.kind}`}>{t(`expr.kind.${s.kind}`)}</span>
                <Typography.Text code>{s.text}</Typography.Text>
                <Typography.Text type="secondary" className="crm-expr-detail crm-ellipsis">
                  {s.detail}
                </Typography.Text>
              </div>
            ))}
          </div>
        )}
      </div>
      {/* While suggestions are open the word is unfinished: its "unknown name" would only distract. */}
      {list.length === 0 && (
        <ExpressionStatus
          value={value}
          result={result}
          pending={pending}
          failed={check.isError}
          problems={problems}
          onGoTo={goTo}
        />
      )}
    </div>
  );
}

/** The names of the draft's owner counts (owner_counts.<name> in expressions). */
function ownerCountNames(definition: unknown): string[] {
  const counts = (definition as { owner_counts?: { name?: string }[] } | null)?.owner_counts ?? [];
  return counts.map((c) => c.name ?? '').filter((n) => n !== '');
}
