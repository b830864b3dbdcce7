// One entry per field type of the metamodel (forms/field_*.go), in the builder palette's order:
// how the builder shows and starts the type, and how the record form, the read view and tables,
// the builder's preview and the list filter handle its values. A new field type is one entry
// here (registry.test.ts fails while a server type has none).
import {
  AlignLeftOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  DollarOutlined,
  FieldBinaryOutlined,
  FontSizeOutlined,
  FunctionOutlined,
  LinkOutlined,
  MailOutlined,
  NodeIndexOutlined,
  NumberOutlined,
  OrderedListOutlined,
  PercentageOutlined,
  PhoneOutlined,
  TagsOutlined,
  UnorderedListOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Typography } from 'antd';
import type { ComponentType, ReactNode } from 'react';
import type { FormField } from '../api/forms';
import type { FormField as PreviewField } from '../api/preview';
import type { Setting } from '../builder/fieldTypes';
import * as display from './displays';
import type { DisplayProps } from './displays';
import * as filter from './filters';
import type { FilterValueProps } from './filters';
import * as input from './inputs';
import type { InputProps } from './inputs';
import * as preview from './previews';
import type { PreviewProps } from './previews';

export type { ShownField } from './displays';

export interface FieldWidget {
  /** The palette's and the canvas's icon. */
  icon: ReactNode;
  /** The settings the type accepts (forms: allows()); label, help, read_only and visible_when go with every type. */
  settings: Setting[];
  /** Settings a new field of the type starts with, so that it saves as dropped. */
  newSettings?: () => Record<string, unknown>;
  /** The record form's input. */
  Input: ComponentType<InputProps>;
  /** A value that is not empty, in the read view and the tables. */
  Display: ComponentType<DisplayProps>;
  /** The builder preview's input. */
  Preview: ComponentType<PreviewProps>;
  /** The list filter: operators (the first one a new row takes) and the value control. */
  filter: { ops: string[]; Value: ComponentType<FilterValueProps> };
}

const entered: Setting[] = ['default_expression', 'required_when', 'read_only_when'];
const stored: Setting[] = ['required', 'unique', 'indexed', ...entered];
const lengths: Setting[] = ['min_length', 'max_length'];
const range: Setting[] = ['min', 'max'];

const textFilter = { ops: filter.filterOps.text, Value: filter.TextFilter };
const numberFilter = { ops: filter.filterOps.ordered, Value: filter.NumberFilter };
const dateFilter = { ops: filter.filterOps.ordered, Value: filter.DateFilter };
const referenceFilter = { ops: filter.filterOps.reference, Value: filter.TextFilter };

/** formula, rollup and autonumber: computed by the server, shown in the form, never typed. */
function ComputedInput({ field, id, value }: InputProps) {
  return (
    <div id={id} style={{ minHeight: 32, display: 'flex', alignItems: 'center' }}>
      <FieldValue field={field} value={value} />
    </div>
  );
}

/** A formula's or roll-up's value shows as a value of its result type. */
function FormulaDisplay(props: DisplayProps) {
  const { Display } = widgetOf(props.field.result_type ?? 'text');
  return <Display {...props} />;
}

export const fieldWidgets = {
  text: {
    icon: <FontSizeOutlined />,
    settings: [...stored, ...lengths, 'pattern'],
    Input: input.TextInput,
    Display: display.TextDisplay,
    Preview: preview.TextPreview,
    filter: textFilter,
  },
  textarea: {
    icon: <AlignLeftOutlined />,
    settings: ['required', ...entered, ...lengths, 'pattern'],
    Input: input.TextAreaInput,
    Display: display.TextAreaDisplay,
    Preview: preview.TextAreaPreview,
    filter: textFilter,
  },
  number: {
    icon: <NumberOutlined />,
    settings: [...stored, ...range, 'scale'],
    Input: input.NumberInput,
    Display: display.NumberDisplay,
    Preview: preview.NumberPreview,
    filter: numberFilter,
  },
  integer: {
    icon: <FieldBinaryOutlined />,
    settings: [...stored, ...range],
    Input: input.NumberInput,
    Display: display.NumberDisplay,
    Preview: preview.NumberPreview,
    filter: numberFilter,
  },
  currency: {
    icon: <DollarOutlined />,
    settings: [...stored, ...range, 'currency'],
    newSettings: () => ({ currency: 'CNY' }),
    Input: input.NumberInput,
    Display: display.CurrencyDisplay,
    Preview: preview.NumberPreview,
    filter: numberFilter,
  },
  percent: {
    icon: <PercentageOutlined />,
    settings: [...stored, ...range, 'scale'],
    Input: input.NumberInput,
    Display: display.PercentDisplay,
    Preview: preview.NumberPreview,
    filter: numberFilter,
  },
  boolean: {
    icon: <CheckSquareOutlined />,
    settings: ['required', 'indexed', ...entered],
    Input: input.BooleanInput,
    Display: display.BooleanDisplay,
    Preview: preview.BooleanPreview,
    filter: { ops: filter.filterOps.boolean, Value: filter.BooleanFilter },
  },
  date: {
    icon: <CalendarOutlined />,
    settings: stored,
    Input: input.DateInput,
    Display: display.DateDisplay,
    Preview: preview.DatePreview,
    filter: dateFilter,
  },
  datetime: {
    icon: <ClockCircleOutlined />,
    settings: stored,
    Input: input.DateInput,
    Display: display.DatetimeDisplay,
    Preview: preview.DatetimePreview,
    filter: dateFilter,
  },
  email: {
    icon: <MailOutlined />,
    settings: [...stored, ...lengths],
    Input: input.TextInput,
    Display: display.EmailDisplay,
    Preview: preview.TextPreview,
    filter: textFilter,
  },
  phone: {
    icon: <PhoneOutlined />,
    settings: [...stored, ...lengths],
    Input: input.TextInput,
    Display: display.TextDisplay,
    Preview: preview.TextPreview,
    filter: textFilter,
  },
  url: {
    icon: <LinkOutlined />,
    settings: [...stored, ...lengths],
    Input: input.TextInput,
    Display: display.URLDisplay,
    Preview: preview.TextPreview,
    filter: textFilter,
  },
  picklist: {
    icon: <UnorderedListOutlined />,
    settings: [...stored, 'options'],
    newSettings: () => ({ options: [] }),
    Input: input.ChoiceInput,
    Display: display.PicklistDisplay,
    Preview: preview.PicklistPreview,
    filter: { ops: filter.filterOps.picklist, Value: filter.ChoiceFilter },
  },
  multipicklist: {
    icon: <TagsOutlined />,
    settings: ['required', ...entered, 'options'],
    newSettings: () => ({ options: [] }),
    Input: input.ChoiceInput,
    Display: display.MultipicklistDisplay,
    Preview: preview.MultipicklistPreview,
    filter: { ops: filter.filterOps.multipicklist, Value: filter.ChoiceFilter },
  },
  lookup: {
    icon: <NodeIndexOutlined />,
    settings: [...stored, 'target'],
    Input: input.LookupInput,
    Display: display.LookupDisplay,
    Preview: preview.NotInPreview,
    filter: referenceFilter,
  },
  user: {
    icon: <UserOutlined />,
    settings: stored,
    Input: input.UserInput,
    Display: display.UserDisplay,
    Preview: preview.NotInPreview,
    filter: referenceFilter,
  },
  autonumber: {
    icon: <OrderedListOutlined />,
    settings: ['unique', 'indexed', 'prefix', 'digits'],
    newSettings: () => ({ prefix: '', digits: 4 }),
    Input: ComputedInput,
    Display: display.TextDisplay,
    Preview: preview.ComputedPreview,
    filter: textFilter,
  },
  formula: {
    icon: <FunctionOutlined />,
    settings: ['result_type', 'expression', 'scale', 'currency', 'indexed'],
    newSettings: () => ({ result_type: 'number', expression: '' }),
    Input: ComputedInput,
    Display: FormulaDisplay,
    Preview: preview.ComputedPreview,
    filter: textFilter,
  },
  rollup: {
    icon: <CalculatorOutlined />,
    // The server fills in result_type (and currency, scale) from the summarized field.
    settings: ['child_object', 'child_lookup', 'function', 'summarize', 'filter', 'indexed'],
    newSettings: () => ({ function: 'count' }),
    Input: ComputedInput,
    Display: FormulaDisplay,
    Preview: preview.ComputedPreview,
    filter: numberFilter,
  },
} satisfies Record<string, FieldWidget>;

export type FieldType = keyof typeof fieldWidgets;

/** The entry of a type; a type this app does not know (a newer server's) is handled as text. */
export function widgetOf(type: string): FieldWidget {
  return Object.hasOwn(fieldWidgets, type) ? fieldWidgets[type as FieldType] : fieldWidgets.text;
}

/** A value as the read view and the tables show it: a dash when empty, else the type's display. */
export function FieldValue({ field, value, names, people }: DisplayProps) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  const { Display } = widgetOf(field.type);
  return <Display field={field} value={value} names={names} people={people} />;
}

/** The record form's input of a field, with the id its label points at. */
export function FieldInput({
  field,
  value,
  onChange,
  disabled,
  invalid,
}: {
  field: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled: boolean;
  invalid: boolean;
}) {
  const { Input } = widgetOf(field.type);
  return (
    <Input
      field={field}
      id={`field-${field.name}`}
      value={value}
      onChange={onChange}
      disabled={disabled}
      status={invalid ? 'error' : undefined}
    />
  );
}

/** The input a generated form in the builder's preview shows for a field. */
export function PreviewInput(props: PreviewProps & { field: PreviewField }) {
  const { Preview } = widgetOf(props.field.type);
  return <Preview {...props} />;
}

/** The list filter's value control for a condition on field. */
export function FilterValue({ field, condition, aria, onChange }: FilterValueProps) {
  const { filter: f } = widgetOf(field.type);
  return <f.Value field={field} condition={condition} aria={aria} onChange={onChange} />;
}
