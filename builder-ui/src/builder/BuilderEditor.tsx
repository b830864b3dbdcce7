import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Grid, Tabs } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { historyKey, objectKey, saveObject, type Definition } from '../api/definitions';
import { objectsKey } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { AssignmentEditor } from './AssignmentEditor';
import { AutomationsEditor } from './AutomationsEditor';
import { BuilderContext, type BuilderContextValue } from './builderContext';
import { BuilderHeader } from './BuilderHeader';
import { DesignView } from './DesignView';
import { addSuggestedIndex, toDefinition, type Draft, type Placement } from './draft';
import { FormPreview } from './FormPreview';
import { HistoryView } from './HistoryView';
import { IndexesEditor } from './IndexesEditor';
import { DuplicateRulesEditor } from './DuplicateRulesEditor';
import { WebFormsEditor } from './WebFormsEditor';
import { noProblems, placeProblems } from './problems';
import { RulesEditor } from './RulesEditor';
import { SLAEditor } from './SLAEditor';
import { SaveErrors } from './SaveErrors';
import type { Selection } from './selection';

const tabs = ['design', 'rules', 'indexes', 'preview', 'assignment', 'automations', 'sla', 'history'];

/**
 * The editor of one object. `?tab=indexes` opens a tab; `&add=amount,-created_at` (a list's hint)
 * adds that index to the working copy, to be checked and saved.
 */
export function BuilderEditor({ initial, version }: { initial: Draft; version?: number }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [[start, suggested]] = useState(() => addSuggestedIndex(initial, params.get('add')));
  const [draft, setDraft] = useState(start);
  const [selection, setSelection] = useState<Selection>(null);
  const [tab, setTab] = useState(() => (tabs.includes(params.get('tab') ?? '') ? params.get('tab')! : 'design'));
  const [savedJson, setSavedJson] = useState(() => (version ? JSON.stringify(toDefinition(initial).def) : ''));
  const [failure, setFailure] = useState<{ error: unknown; placement: Placement } | null>(null);
  const isNew = version === undefined;
  const screens = Grid.useBreakpoint();

  const { def } = useMemo(() => toDefinition(draft), [draft]);
  const dirty = JSON.stringify(def) !== savedJson;
  const ctx = useMemo<BuilderContextValue>(
    () => ({
      definition: def,
      fields: def.fields.map((f) => ({ name: f.name, type: f.type, label: pickLabel(f.label, locale, f.name) })),
    }),
    [def, locale],
  );
  const placed = useMemo(
    () =>
      failure?.error instanceof ApiError && failure.error.problems.length
        ? placeProblems(failure.error.problems, failure.placement)
        : noProblems,
    [failure],
  );

  // The suggestion is in the working copy now: a reload or the next version must not add it again.
  useEffect(() => {
    if (!params.has('add')) return;
    const next = new URLSearchParams(params);
    next.delete('add');
    setParams(next, { replace: true });
  }, [params, setParams]);

  // Leaving with unsaved changes asks first (a reload or a closed tab).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const store = async (d: Definition, v: number | undefined, placement: Placement) => {
    try {
      const saved = await saveObject(d, v);
      setFailure(null);
      queryClient.setQueryData(objectKey(saved.name), saved);
      void queryClient.invalidateQueries({ queryKey: objectsKey, exact: true });
      void queryClient.invalidateQueries({ queryKey: historyKey(saved.name) });
      message.success(t('builder.save.done', { version: saved.version }));
      setSavedJson(JSON.stringify(d));
      if (isNew) void navigate(`/objects/${saved.name}`, { replace: true, state: { newObject: saved.name } });
      return saved;
    } catch (e) {
      setFailure({ error: e, placement });
      throw e;
    }
  };
  const save = useMutation({
    mutationFn: () => {
      const { def: d, placement } = toDefinition(draft);
      return store(d, version, placement);
    },
  });

  const showProblem = (where: 'field' | 'rule' | 'section' | 'index', key: string) => {
    if (where === 'rule') return setTab('rules');
    if (where === 'index') return setTab('indexes');
    setTab('design');
    setSelection({ kind: where, key });
  };
  const count = (m: Record<string, unknown[]>) => Object.values(m).reduce((n, l) => n + l.length, 0);

  return (
    <BuilderContext.Provider value={ctx}>
      <BuilderHeader
        draft={draft}
        isNew={isNew}
        version={version}
        dirty={dirty}
        saving={save.isPending}
        onSave={() => save.mutate()}
      />
      <SaveErrors
        error={failure?.error}
        placed={placed}
        onReload={() =>
          void queryClient.invalidateQueries({ queryKey: objectKey(draft.name) }).then(() => setFailure(null))
        }
        onShowProblem={showProblem}
        fieldName={(k) => draft.fields[k]?.name ?? k}
        ruleName={(k) => draft.rules.find((r) => r.key === k)?.rule.name ?? k}
        indexName={(k) => {
          const i = draft.indexes.findIndex((x) => x.key === k);
          return draft.indexes[i]?.index.name?.trim() || t('builder.indexes.title', { n: i + 1 });
        }}
      />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        className="crm-builder-tabs"
        size={screens.md ? 'middle' : 'small'}
        tabBarGutter={screens.md ? undefined : 20}
        items={[
          {
            key: 'design',
            label: (
              <Badge
                count={count(placed.fields) + count(placed.sections) + placed.object.length}
                size="small"
                offset={[8, -2]}
              >
                {t('builder.tab.design')}
              </Badge>
            ),
            children: (
              <DesignView
                draft={draft}
                isNew={isNew}
                selection={selection}
                problems={placed}
                onSelect={setSelection}
                onChange={setDraft}
              />
            ),
          },
          {
            key: 'rules',
            label: (
              <Badge count={count(placed.rules)} size="small" offset={[8, -2]}>
                {t('builder.tab.rules')}
              </Badge>
            ),
            children: <RulesEditor draft={draft} problems={placed} onChange={setDraft} />,
          },
          {
            key: 'indexes',
            label: (
              <Badge count={count(placed.indexes) + placed.indexList.length} size="small" offset={[8, -2]}>
                {t('builder.tab.indexes')}
              </Badge>
            ),
            children: <IndexesEditor draft={draft} problems={placed} suggested={suggested} onChange={setDraft} />,
          },
          {
            key: 'preview',
            label: t('builder.tab.preview'),
            children: <FormPreview definition={def} />,
            destroyInactiveTabPane: true,
          },
          {
            key: 'assignment',
            label: t('builder.tab.assignment'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && <AssignmentEditor object={draft.name} />,
          },
          {
            key: 'duplicates',
            label: t('builder.tab.duplicates'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && <DuplicateRulesEditor object={draft.name} />,
          },
          {
            key: 'webforms',
            label: t('builder.tab.webforms'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && <WebFormsEditor def={def} />,
          },
          {
            key: 'automations',
            label: t('builder.tab.automations'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && <AutomationsEditor object={draft.name} />,
          },
          {
            key: 'sla',
            label: t('builder.tab.sla'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && <SLAEditor object={draft.name} />,
          },
          {
            key: 'history',
            label: t('builder.tab.history'),
            disabled: isNew,
            destroyInactiveTabPane: true,
            children: !isNew && (
              <HistoryView
                name={draft.name}
                version={version}
                onRestore={async (d) => {
                  const restored = { ...d, name: draft.name };
                  await store(restored, version, { fields: [], sections: [], rules: [], indexes: [] }).catch(
                    () => undefined,
                  );
                }}
              />
            ),
          },
        ]}
      />
    </BuilderContext.Provider>
  );
}
