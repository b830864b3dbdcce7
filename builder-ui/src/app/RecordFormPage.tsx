import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Form, Result, Row, Skeleton, Space, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { evaluateForm, useForm, type Evaluation, type FormDescriptor, type FormField } from '../api/forms';
import { recordsApi, type AssignmentNote, type RecordData } from '../api/records';
import { anyDuplicates, checkDuplicates, type Duplicates } from '../api/duplicates';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';
import { FieldInput } from '../fields/registry';
import { DuplicatesAlert } from './DuplicatesAlert';
import { patchRecord } from './patchRecord';
import { schemaErrors } from './validate';

type Values = Record<string, unknown>;

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The values the schema judges: every known field with a value (empty ones count as absent). */
function schemaDoc(form: FormDescriptor, values: Values): Values {
  const props = (form.schema.properties ?? {}) as Record<string, { readOnly?: boolean }>;
  const doc: Values = {};
  for (const [k, v] of Object.entries(values)) if (props[k] && !props[k].readOnly && !empty(v)) doc[k] = v;
  return doc;
}

/** Create (/app/{object}/new) and edit (/app/{object}/{id}/edit) from the object's layout. */
export default function RecordFormPage() {
  const { object = '', id } = useParams();
  const [params] = useSearchParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const form = useForm(object);
  const record = useQuery({
    queryKey: ['record', object, id],
    enabled: !!id,
    queryFn: ({ signal }) => recordsApi.get(object, id!, signal),
    // Edit what is stored now, not what a page showed a while ago.
    refetchOnMount: 'always',
  });

  const [values, setValues] = useState<Values | null>(null);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [duplicates, setDuplicates] = useState<Duplicates | null>(null);

  // The starting values: the record as stored, or each field's default.
  useEffect(() => {
    if (values || !form.data || (id && (!record.data || record.isFetching))) return;
    if (id) setValues({ ...record.data });
    else
      setValues({
        ...Object.fromEntries(form.data.fields.filter((f) => f.default !== undefined).map((f) => [f.name, f.default])),
        // A related list's New presets the lookup to its parent (?quote=<id>); other parameters are ignored.
        ...Object.fromEntries(
          form.data.fields
            .filter((f) => f.type === 'lookup' && params.get(f.name))
            .map((f) => [f.name, params.get(f.name)]),
        ),
      });
  }, [form.data, record.data, record.isFetching, id, values, params]);

  // Conditions and formulas follow the values live, asked of the server after a pause in typing.
  const evalSeq = useRef(0);
  useEffect(() => {
    if (!values || !form.data) return;
    const seq = ++evalSeq.current;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      evaluateForm(object, schemaDoc(form.data, values), id, ctrl.signal)
        .then((e) => seq === evalSeq.current && setEvaluation(e))
        .catch(() => undefined); // a failed look-ahead only delays the conditions; saving still checks
    }, 300);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [values, form.data, object, id]);

  // Duplicate rules are asked about what the user typed, after a longer pause, so that the
  // matches show before saving. Only what the user changed counts: an edit of a record that has
  // a twin is not warned about until a rule's field changes.
  const dupSeq = useRef(0);
  useEffect(() => {
    if (!values || !form.data || touched.size === 0) return;
    const seq = ++dupSeq.current;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      const typed = Object.fromEntries([...touched].filter((k) => !empty(values[k])).map((k) => [k, values[k]]));
      checkDuplicates(object, id ? typed : schemaDoc(form.data, values), id, ctrl.signal)
        .then((d) => seq === dupSeq.current && setDuplicates(d))
        .catch(() => undefined); // a failed look-ahead only means no early warning; saving still checks
    }, 500);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [values, touched, form.data, object, id]);

  const fieldsByName = useMemo(() => new Map((form.data?.fields ?? []).map((f) => [f.name, f])), [form.data]);
  const state = useCallback(
    (f: FormField) => ({
      visible: evaluation?.fields[f.name]?.visible ?? !f.visible_when,
      required: evaluation?.fields[f.name]?.required ?? !!f.required,
      readOnly:
        evaluation?.fields[f.name]?.read_only ?? (!!f.read_only || f.type === 'formula' || f.type === 'autonumber'),
    }),
    [evaluation],
  );

  const clientErrors = useMemo(() => {
    if (!form.data || !values) return {};
    const errs = schemaErrors(form.data.schema, schemaDoc(form.data, values), t);
    for (const f of form.data.fields) {
      const s = state(f);
      if (s.visible && s.required && !s.readOnly && empty(values[f.name]) && !errs[f.name])
        errs[f.name] = t('app.valid.required');
      if (!s.visible) delete errs[f.name];
    }
    return errs;
  }, [form.data, values, state, t]);

  const errorOf = (name: string) =>
    serverErrors[name] ?? (submitted || touched.has(name) ? clientErrors[name] : undefined);

  const save = useMutation({
    mutationFn: async () => {
      const f = form.data!;
      const editable = f.fields.filter((x) => {
        const s = state(x);
        return s.visible && !s.readOnly;
      });
      if (!id) {
        const body: Values = {};
        for (const x of editable) if (!empty(values![x.name])) body[x.name] = values![x.name];
        return recordsApi.create(object, body);
      }
      const before = record.data!;
      const patch: Values = {};
      for (const x of editable) {
        const now = empty(values![x.name]) ? null : values![x.name];
        const was = empty(before[x.name]) ? null : before[x.name];
        if (JSON.stringify(now) !== JSON.stringify(was)) patch[x.name] = now;
      }
      return patchRecord(object, before, patch);
    },
    onSuccess: (saved: RecordData) => {
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      // Assignment rules may have given the new record to someone else: say to whom, and stay
      // on the list when the creator no longer sees it (rather than open a page she cannot read).
      const dups = saved._duplicates as Duplicates | undefined;
      if (anyDuplicates(dups)) message.warning(t('app.dup.savedWith', { count: dups.matches.length + dups.hidden }), 8);
      const note = saved._assignment as AssignmentNote | undefined;
      if (note) {
        const who = note.owner_name ?? note.owner;
        const text = note.rule
          ? t('app.form.assignedByRule', { owner: who, rule: note.rule_label ?? note.rule })
          : t('app.form.assigned', { owner: who });
        if (!note.readable) {
          message.info(`${text} ${t('app.form.assignedAway')}`, 8);
          void navigate(`/app/${object}`);
          return;
        }
        message.info(text, 6);
      } else {
        message.success(t('app.form.saved'));
      }
      const { _assignment: _, _duplicates: __, ...record } = saved;
      queryClient.setQueryData(['record', object, saved.id], record);
      void navigate(`/app/${object}/${saved.id}`, { replace: !!id });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'duplicate_found') {
        setDuplicates(e.details as Duplicates);
        setFailure(e);
      } else if (e instanceof ApiError && e.fields.length > 0) {
        setServerErrors(Object.fromEntries(e.fields.map((x) => [x.field, x.message])));
        const unknown = e.fields.filter((x) => !fieldsByName.has(x.field));
        setFailure(unknown.length ? e : null);
      } else {
        setFailure(e);
      }
    },
  });

  const onSubmit = () => {
    setSubmitted(true);
    setFailure(null);
    if (Object.keys(clientErrors).length > 0) {
      message.error(t('app.form.fixErrors'));
      const first = form.data!.sections.flatMap((s) => s.fields).find((n) => clientErrors[n]);
      if (first) document.getElementById(`field-${first}`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      return;
    }
    save.mutate();
  };

  const change = (name: string, v: unknown) => {
    setValues((old) => ({ ...old, [name]: v }));
    setTouched((old) => (old.has(name) ? old : new Set(old).add(name)));
    setServerErrors((old) => {
      if (!(name in old)) return old;
      const { [name]: _, ...rest } = old;
      void _;
      return rest;
    });
  };

  const loadError = form.error ?? record.error;
  if (loadError) {
    return <Result status="warning" title={t('app.form.loadFailed')} subTitle={errorText(loadError, t)} />;
  }
  if (!form.data || !values) return <Skeleton active paragraph={{ rows: 8 }} />;

  const f = form.data;
  const sections =
    f.sections.length > 0 ? f.sections : [{ label: f.label, columns: 2, fields: f.fields.map((x) => x.name) }];
  const title = id ? t('app.form.editTitle', { object: f.label }) : t('app.form.newTitle', { object: f.label });
  const cancel = () => void navigate(id ? `/app/${object}/${id}` : `/app/${object}`);

  return (
    <>
      <PageHeader title={title} />
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={t('app.form.saveFailed')}
          description={errorText(failure, t)}
          action={
            failure instanceof ApiError && failure.code === 'version_conflict' ? (
              // Someone changed what this edit also changes: start again from what is stored.
              <Button
                size="small"
                onClick={() =>
                  void record.refetch().then(() => {
                    setValues(null);
                    setFailure(null);
                    setServerErrors({});
                  })
                }
              >
                {t('common.reload')}
              </Button>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
        />
      )}
      {anyDuplicates(duplicates) && !(failure instanceof ApiError && failure.code !== 'duplicate_found') && (
        <DuplicatesAlert found={duplicates} />
      )}
      <Form layout="vertical" component="div" requiredMark>
        <Flex vertical gap={16}>
          {sections.map((s, i) => {
            const cols = Math.min(Math.max(s.columns ?? 1, 1), 3);
            const shown = s.fields
              .map((n) => fieldsByName.get(n))
              .filter((x): x is FormField => !!x && state(x).visible);
            if (shown.length === 0) return null;
            return (
              <Card key={i} title={s.label} size="small" styles={{ body: { paddingBottom: 0 } }}>
                <Row gutter={24}>
                  {shown.map((x) => {
                    const st = state(x);
                    const err = errorOf(x.name);
                    return (
                      <Col key={x.name} xs={24} md={24 / cols}>
                        <Form.Item
                          label={x.label}
                          htmlFor={`field-${x.name}`}
                          required={st.required && !st.readOnly}
                          tooltip={x.help}
                          validateStatus={err ? 'error' : undefined}
                          help={err}
                        >
                          <FieldInput
                            field={x}
                            value={
                              st.readOnly && evaluation && x.name in evaluation.values
                                ? evaluation.values[x.name]
                                : values[x.name]
                            }
                            onChange={(v) => change(x.name, v)}
                            disabled={st.readOnly}
                            invalid={!!err}
                          />
                        </Form.Item>
                      </Col>
                    );
                  })}
                </Row>
              </Card>
            );
          })}
          <Card size="small">
            <Flex justify="flex-end">
              <Space>
                <Button onClick={cancel}>{t('app.form.cancel')}</Button>
                <Button type="primary" onClick={onSubmit} loading={save.isPending}>
                  {t('app.form.save')}
                </Button>
              </Space>
            </Flex>
          </Card>
        </Flex>
      </Form>
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
        {t('app.form.requiredHint')}
      </Typography.Text>
    </>
  );
}
