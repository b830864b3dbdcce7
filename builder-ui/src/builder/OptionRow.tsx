import { DeleteOutlined, HolderOutlined } from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Checkbox, Input, Select, Tooltip } from 'antd';
import type { Option } from '../api/definitions';
import { useI18n } from '../i18n/context';
import { optionColors } from './fieldTypes';
import type { PlacedProblem } from './problems';

interface Props {
  id: string;
  index: number;
  option: Option;
  /** Whether the value may be marked closed (picklists only: a record is in one stage). */
  closable: boolean;
  problems: PlacedProblem[];
  onChange: (o: Option) => void;
  onRemove: () => void;
}

export function OptionRow({ id, index, option, closable, problems, onChange, onRemove }: Props) {
  const { t } = useI18n();
  const s = useSortable({ id });
  const n = index + 1;
  const bad = problems.length > 0;
  return (
    <div
      ref={s.setNodeRef}
      style={{ transform: CSS.Translate.toString(s.transform), transition: s.transition }}
      className={s.isDragging ? 'crm-option crm-dragging' : 'crm-option'}
      data-testid={`option-${index}`}
    >
      <span
        ref={s.setActivatorNodeRef}
        className="crm-option-handle"
        {...s.attributes}
        {...s.listeners}
        aria-label={t('builder.options.drag', { n })}
      >
        <HolderOutlined />
      </span>
      <div className="crm-option-inputs">
        <Tooltip title={bad ? problems.map((p) => p.message).join('; ') : undefined} open={bad ? undefined : false}>
          <Input
            size="small"
            status={bad ? 'error' : undefined}
            aria-label={t('builder.options.value', { n })}
            value={option.value}
            onChange={(e) => onChange({ ...option, value: e.target.value })}
          />
        </Tooltip>
        <Input
          size="small"
          aria-label={t('builder.options.labelEn', { n })}
          placeholder="English"
          value={option.label?.en ?? ''}
          onChange={(e) => onChange({ ...option, label: { ...option.label, en: e.target.value } })}
        />
        <Input
          size="small"
          aria-label={t('builder.options.labelZh', { n })}
          placeholder="中文"
          value={option.label?.['zh-CN'] ?? ''}
          onChange={(e) => onChange({ ...option, label: { ...option.label, 'zh-CN': e.target.value } })}
        />
        <Select
          size="small"
          aria-label={t('builder.options.color', { n })}
          allowClear
          placeholder={t('builder.options.colorNone')}
          value={option.color || undefined}
          onChange={(c?: string) => onChange({ ...option, color: c })}
          options={optionColors.map((c) => ({
            value: c,
            label: (
              <span className="crm-color">
                <span className={`crm-swatch crm-swatch-${c}`} />
                {t(`color.${c}` as 'color.blue')}
              </span>
            ),
          }))}
        />
        {(closable || option.closed) && (
          <Tooltip title={t('builder.options.closedHint')}>
            <Checkbox
              aria-label={t('builder.options.closedLabel', { n })}
              checked={!!option.closed}
              onChange={(e) => {
                const { closed: _, ...rest } = option;
                void _;
                onChange(e.target.checked ? { ...rest, closed: true } : rest);
              }}
            >
              {t('builder.options.closed')}
            </Checkbox>
          </Tooltip>
        )}
      </div>
      <Button
        type="text"
        size="small"
        icon={<DeleteOutlined />}
        aria-label={t('builder.options.remove', { n })}
        onClick={onRemove}
      />
    </div>
  );
}
