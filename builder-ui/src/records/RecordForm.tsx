import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Spin } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Form } from '../api/preview';
import { createRecord, evaluateRecord, type RecordValues } from '../api/builderRecords';
import { GeneratedForm } from '../builder/GeneratedForm';
import { useDebounced } from '../builder/useDebounced';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

/**
 * A new record through its generated form: conditions and formulas follow the values as they are
 * typed (POST /api/forms/{object}/evaluate); the server's errors stay until the field changes.
 */
export function RecordForm({
  object,
  form,
  onCreated,
}: {
  object: string;
  form: Form;
  onCreated: (r: RecordValues) => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [touched, setTouched] = useState(false);
  const sent = useDebounced(values, 250);
  const state = useQuery({
    queryKey: ['forms', object, 'evaluate', sent],
    queryFn: ({ signal }) => evaluateRecord(object, sent, signal),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const create = useMutation({ mutationFn: () => createRecord(object, values), onSuccess: onCreated });
  const refused = create.error instanceof ApiError ? create.error : null;
  // Before the first attempt only errors of fields already filled are shown, not every empty one.
  const errors = touched
    ? (refused?.fields.map((f) => ({ ...f })) ?? state.data?.errors ?? [])
    : (state.data?.errors ?? []).filter((e) => e.field && values[e.field] !== undefined);

  if (state.isPending) return <Spin />;
  return (
    <div data-testid="record-form">
      {create.isError && !refused?.fields.length && (
        <Alert type="error" showIcon message={errorText(create.error, t)} className="crm-gap" />
      )}
      <GeneratedForm
        form={form}
        fields={state.data?.fields ?? {}}
        values={values}
        computed={state.data?.values ?? {}}
        errors={errors}
        idPrefix="record"
        onChange={(name, v) => {
          create.reset();
          setValues((old) => {
            const next = { ...old };
            if (v === undefined || v === null || v === '') delete next[name];
            else next[name] = v;
            return next;
          });
        }}
      />
      <Flex justify="end" gap={8}>
        <Button
          type="primary"
          loading={create.isPending}
          onClick={() => {
            setTouched(true);
            create.mutate();
          }}
        >
          {t('records.create')}
        </Button>
      </Flex>
    </div>
  );
}
