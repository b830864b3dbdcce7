import { InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Flex,
  Modal,
  Progress,
  Radio,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { importsApi, type ImportRun, type PreviewRow } from '../api/imports';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { pickLabel } from '../i18n/locale';

// The import wizard of a list: upload a CSV or .xlsx, see its columns matched to fields (the
// server matches API names and labels in either language) and the first rows with their problems
// (a dry run), choose create or update, run it with a live progress bar, download the failed rows.

const unwritable = new Set(['formula', 'autonumber']);

function over(r: ImportRun | null) {
  return !!r && r.status !== 'queued' && r.status !== 'running';
}

/** Polls an import until it is over. */
async function follow(id: string, onStep: (r: ImportRun) => void): Promise<ImportRun> {
  for (;;) {
    const r = await importsApi.get(id);
    onStep(r);
    if (over(r)) return r;
    await new Promise((res) => setTimeout(res, 400));
  }
}

export function ImportWizard({
  object,
  def,
  open,
  onClose,
}: {
  object: string;
  def?: ObjectDef;
  open: boolean;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [check, setCheck] = useState<ImportRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'create' | 'upsert'>('create');
  const [key, setKey] = useState<string | undefined>();
  // Upsert: a row whose key exists is updated or skipped. Create: a row the object's duplicate
  // rules match is created anyway (a block rule refuses it), skipped, or written into its match.
  const [onDuplicate, setOnDuplicate] = useState('update');
  const [onCreateDuplicate, setOnCreateDuplicate] = useState('create');
  const [run, setRun] = useState<ImportRun | null>(null);

  useEffect(() => {
    if (!open) {
      setStep(0);
      setFile(null);
      setColumns([]);
      setMapping({});
      setCheck(null);
      setError(null);
      setRun(null);
      setMode('create');
      setKey(undefined);
    }
  }, [open]);

  const fields = (def?.fields ?? []).filter((f) => !unwritable.has(f.type));
  const label = (name: string) => {
    const f = def?.fields.find((x) => x.name === name);
    return f ? pickLabel(f.label, locale, f.name) : name === 'owner' ? t('app.field.owner') : name;
  };
  const keys = [{ value: 'id', label: 'ID' }].concat(
    (def?.fields ?? []).filter((f) => f.unique === true).map((f) => ({ value: f.name, label: label(f.name) })),
  );

  // A dry run: every row checked, none written; the server answers the columns and its mapping.
  const dryRun = async (f: File, m?: Record<string, string>) => {
    setBusy(true);
    setError(null);
    setCheck(null);
    try {
      const started = await importsApi.start({ object, file: f, mapping: m, dryRun: true });
      setColumns(started.columns);
      setMapping(m ?? started.mapping);
      setStep(1);
      setCheck(await follow(started.id, setCheck));
    } catch (e) {
      const cols = e instanceof ApiError ? (e.details as { columns?: string[] } | undefined)?.columns : undefined;
      if (cols) {
        setColumns(cols);
        setMapping(m ?? {});
        setStep(1);
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const started = await importsApi.start({
        object,
        file,
        mapping,
        mode,
        key: mode === 'upsert' ? key : undefined,
        onDuplicate: mode === 'upsert' ? onDuplicate : onCreateDuplicate,
      });
      setRun(started);
      const done = await follow(started.id, setRun);
      if (done.status === 'failed' && done.error) setError(new ApiError(422, done.error.code, done.error.message));
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const percent = run && run.total > 0 ? Math.round((run.processed / run.total) * 100) : 0;

  return (
    <Modal title={t('app.import.title')} open={open} onCancel={onClose} width={820} footer={null} destroyOnHidden>
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 16 }}
        items={[
          { title: t('app.import.stepFile') },
          { title: t('app.import.stepColumns') },
          { title: t('app.import.stepRun') },
        ]}
      />
      {error !== null && (
        <Alert
          type="error"
          showIcon
          message={errorText(error, t)}
          style={{ marginBottom: 12 }}
          data-testid="import-error"
          description={
            error instanceof ApiError && error.fields.length > 0
              ? error.fields.map((f) => f.message).join('; ')
              : undefined
          }
        />
      )}
      {step === 0 && (
        <Upload.Dragger
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(f) => {
            setFile(f);
            void dryRun(f);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('app.import.drop')}</p>
          <p className="ant-upload-hint">{t('app.import.dropHint')}</p>
        </Upload.Dragger>
      )}
      {step === 1 && (
        <Flex vertical gap={12}>
          <Typography.Text type="secondary">{t('app.import.columnsHint', { file: file?.name ?? '' })}</Typography.Text>
          <Table
            size="small"
            rowKey="column"
            pagination={false}
            dataSource={columns.map((c) => ({ column: c }))}
            columns={[
              { key: 'column', dataIndex: 'column', title: t('app.import.column') },
              {
                key: 'field',
                title: t('app.import.field'),
                render: (_: unknown, r: { column: string }) => (
                  <Select
                    aria-label={t('app.import.fieldFor', { column: r.column })}
                    style={{ minWidth: 220 }}
                    value={mapping[r.column] ?? ''}
                    onChange={(v: string) => setMapping({ ...mapping, [r.column]: v })}
                    options={[
                      { value: '', label: t('app.import.ignore') },
                      ...fields.map((f) => ({ value: f.name, label: `${label(f.name)} (${f.name})` })),
                      { value: 'owner', label: t('app.field.owner') },
                    ]}
                  />
                ),
              },
            ]}
          />
          {check && !over(check) && (
            <Progress percent={check.total ? Math.round((check.processed / check.total) * 100) : 0} />
          )}
          {check && over(check) && (
            <Alert
              type={check.failed > 0 ? 'warning' : 'success'}
              showIcon
              data-testid="import-check"
              message={t('app.import.checked', {
                total: check.total,
                ok: check.total - check.failed,
                failed: check.failed,
              })}
            />
          )}
          {check && over(check) && (check.preview ?? []).length > 0 && (
            // The first rows as the file has them, each with what the check found wrong.
            <Table
              size="small"
              rowKey="row"
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="import-preview"
              dataSource={check.preview}
              columns={[
                { key: 'row', dataIndex: 'row', title: '#' },
                ...columns.map((c) => ({
                  key: c,
                  title: c,
                  render: (_: unknown, p: PreviewRow) => p.cells[c] ?? '',
                })),
                {
                  key: 'problems',
                  title: t('app.import.problems'),
                  render: (_: unknown, p: PreviewRow) =>
                    p.errors?.length ? (
                      <Typography.Text type="danger">
                        {p.errors.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('; ')}
                      </Typography.Text>
                    ) : (
                      <Tag color="green">OK</Tag>
                    ),
                },
              ]}
            />
          )}
          <Space>
            <Button onClick={() => file && void dryRun(file, mapping)} loading={busy}>
              {t('app.import.checkAgain')}
            </Button>
            <Button type="primary" disabled={busy || !check || !over(check)} onClick={() => setStep(2)}>
              {t('app.import.next')}
            </Button>
          </Space>
        </Flex>
      )}
      {step === 2 && (
        <Flex vertical gap={12}>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'create' | 'upsert')} disabled={!!run}>
            <Radio value="create">{t('app.import.modeCreate')}</Radio>
            <Radio value="upsert">{t('app.import.modeUpsert')}</Radio>
          </Radio.Group>
          {mode === 'create' && (
            <Flex vertical gap={4}>
              <Typography.Text type="secondary">{t('app.import.duplicates')}</Typography.Text>
              <Radio.Group
                aria-label={t('app.import.duplicates')}
                value={onCreateDuplicate}
                onChange={(e) => setOnCreateDuplicate(e.target.value as string)}
                disabled={!!run}
              >
                <Radio value="create">{t('app.import.dupCreate')}</Radio>
                <Radio value="skip">{t('app.import.dupSkip')}</Radio>
                <Radio value="update">{t('app.import.dupUpdate')}</Radio>
              </Radio.Group>
            </Flex>
          )}
          {mode === 'upsert' && (
            <Space wrap>
              <Select
                aria-label={t('app.import.key')}
                placeholder={t('app.import.key')}
                style={{ minWidth: 200 }}
                value={key}
                onChange={setKey}
                options={keys}
                disabled={!!run}
              />
              <Radio.Group
                value={onDuplicate}
                onChange={(e) => setOnDuplicate(e.target.value as string)}
                disabled={!!run}
              >
                <Radio value="update">{t('app.import.update')}</Radio>
                <Radio value="skip">{t('app.import.skip')}</Radio>
              </Radio.Group>
            </Space>
          )}
          {!run && (
            <Button type="primary" onClick={() => void start()} loading={busy} disabled={mode === 'upsert' && !key}>
              {t('app.import.start')}
            </Button>
          )}
          {run && (
            <Flex vertical gap={8} data-testid="import-progress">
              <Progress percent={percent} status={run.status === 'failed' ? 'exception' : undefined} />
              <Space wrap>
                <Tag>{t(`app.import.status.${run.status}` as MessageKey)}</Tag>
                <span>
                  {t('app.import.counts', {
                    created: run.created,
                    updated: run.updated,
                    skipped: run.skipped,
                    failed: run.failed,
                  })}
                </span>
              </Space>
              {!over(run) && (
                <Button danger onClick={() => void importsApi.cancel(run.id).then(setRun, setError)}>
                  {t('app.import.cancel')}
                </Button>
              )}
              {over(run) && run.failed > 0 && (
                <Space>
                  <Button onClick={() => void importsApi.errors(run.id, 'csv').catch(setError)}>
                    {t('app.import.errorsCsv')}
                  </Button>
                  <Button onClick={() => void importsApi.errors(run.id, 'xlsx').catch(setError)}>
                    {t('app.import.errorsXlsx')}
                  </Button>
                </Space>
              )}
              {over(run) && <Button onClick={onClose}>{t('app.import.close')}</Button>}
            </Flex>
          )}
        </Flex>
      )}
    </Modal>
  );
}
