import { PlusOutlined } from '@ant-design/icons';
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors } from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Select, Spin, Switch, Typography } from 'antd';
import { useRef, useState } from 'react';
import {
  assignmentKey,
  saveAssignmentRules,
  useAssignmentRules,
  usePeople,
  type AssignmentRules,
} from '../api/assignment';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { AssignmentRuleCard } from './AssignmentRuleCard';
import { PropItem } from './PropItem';
import { SaveRefusal } from './SaveRefusal';

/**
 * Who gets a new record of the object: ordered rules (drag, or Space and the arrows, to reorder),
 * the first whose condition holds decides; else the fallback user. Saved on its own (If-Match).
 */
export function AssignmentEditor({ object }: { object: string }) {
  const { t } = useI18n();
  const q = useAssignmentRules(object);
  if (q.isPending) return <Spin />;
  if (q.isError) return <Alert type="error" showIcon message={errorText(q.error, t)} />;
  return <AssignmentForm key={q.data.version ?? 0} initial={q.data} />;
}

function AssignmentForm({ initial }: { initial: AssignmentRules }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const people = usePeople();
  const [a, setA] = useState(initial);
  const ids = useRef(initial.rules.map((_, i) => `a${i}`));
  const next = useRef(initial.rules.length);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const save = useMutation({
    mutationFn: () => saveAssignmentRules(a),
    onSuccess: (saved) => {
      message.success(t('assign.saved', { version: saved.version ?? 0 }));
      queryClient.setQueryData(assignmentKey(a.object), saved);
    },
  });
  const problems = save.error instanceof ApiError ? save.error.problems : [];
  const at = (prefix: string) => problems.filter((p) => p.pointer === prefix || p.pointer.startsWith(prefix + '/'));

  return (
    <div className="crm-rules" data-testid="assignment-editor">
      <Typography.Paragraph type="secondary">{t('assign.intro')}</Typography.Paragraph>
      {save.isError && <SaveRefusal error={save.error} testId="assignment-error" />}
      <Form layout="vertical" component="div">
        <Flex gap={16} wrap align="end">
          <PropItem
            label={t('assign.fallback')}
            problems={at('/fallback').map((p) => ({ ...p, setting: '' }))}
            htmlFor="assign-fallback"
          >
            <Select
              id="assign-fallback"
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ minWidth: 240 }}
              placeholder={t('assign.fallbackNone')}
              value={a.fallback || undefined}
              onChange={(v?: string) => setA({ ...a, fallback: v })}
              options={(people.data ?? []).map((u) => ({ value: u.id, label: u.name || u.email }))}
            />
          </PropItem>
          <PropItem label={t('assign.enabled')}>
            <Switch
              checked={!a.disabled}
              onChange={(on) => setA({ ...a, disabled: !on })}
              aria-label={t('assign.enabled')}
            />
          </PropItem>
        </Flex>
      </Form>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={({ active, over }) => {
          if (!over || active.id === over.id) return;
          const from = ids.current.indexOf(String(active.id));
          const to = ids.current.indexOf(String(over.id));
          ids.current = arrayMove(ids.current, from, to);
          setA({ ...a, rules: arrayMove(a.rules, from, to) });
        }}
      >
        <SortableContext items={[...ids.current]} strategy={verticalListSortingStrategy}>
          {a.rules.map((r, i) => (
            <AssignmentRuleCard
              key={ids.current[i]}
              id={ids.current[i]!}
              index={i}
              rule={r}
              problems={at(`/rules/${i}`)}
              onChange={(rule) => setA({ ...a, rules: a.rules.map((x, j) => (j === i ? rule : x)) })}
              onRemove={() => {
                ids.current.splice(i, 1);
                setA({ ...a, rules: a.rules.filter((_, j) => j !== i) });
              }}
            />
          ))}
        </SortableContext>
      </DndContext>
      <Button
        type="dashed"
        icon={<PlusOutlined />}
        block
        onClick={() => {
          ids.current.push(`a${next.current++}`);
          setA({ ...a, rules: [...a.rules, { name: `rule_${a.rules.length + 1}`, target: { type: 'user' } }] });
        }}
      >
        {t('assign.add')}
      </Button>
      <Flex justify="end">
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('assign.save')}
        </Button>
      </Flex>
    </div>
  );
}
