import {
  AlignLeftOutlined,
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
import type { ReactNode } from 'react';

// Every field type of the metamodel (forms/field_*.go), in the palette's order, and the settings
// each accepts (forms: allows()). Label, help, read_only and visible_when apply to every type.
export const fieldTypes = [
  'text',
  'textarea',
  'number',
  'integer',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'lookup',
  'user',
  'autonumber',
  'formula',
] as const;

export type FieldType = (typeof fieldTypes)[number];

export type Setting =
  | 'required'
  | 'unique'
  | 'indexed'
  | 'min'
  | 'max'
  | 'min_length'
  | 'max_length'
  | 'pattern'
  | 'scale'
  | 'currency'
  | 'options'
  | 'target'
  | 'prefix'
  | 'digits'
  | 'result_type'
  | 'expression'
  | 'default_expression'
  | 'required_when'
  | 'read_only_when';

const entered: Setting[] = ['default_expression', 'required_when', 'read_only_when'];
const stored: Setting[] = ['required', 'unique', 'indexed', ...entered];
const lengths: Setting[] = ['min_length', 'max_length'];
const range: Setting[] = ['min', 'max'];

const allowed: Record<FieldType, Setting[]> = {
  text: [...stored, ...lengths, 'pattern'],
  textarea: ['required', ...entered, ...lengths, 'pattern'],
  number: [...stored, ...range, 'scale'],
  integer: [...stored, ...range],
  currency: [...stored, ...range, 'currency'],
  percent: [...stored, ...range, 'scale'],
  boolean: ['required', 'indexed', ...entered],
  date: stored,
  datetime: stored,
  email: [...stored, ...lengths],
  phone: [...stored, ...lengths],
  url: [...stored, ...lengths],
  picklist: [...stored, 'options'],
  multipicklist: ['required', ...entered, 'options'],
  lookup: [...stored, 'target'],
  user: stored,
  autonumber: ['unique', 'indexed', 'prefix', 'digits'],
  formula: ['result_type', 'expression', 'scale', 'currency', 'indexed'],
};

export function allows(type: string, setting: Setting): boolean {
  return (allowed[type as FieldType] ?? []).includes(setting);
}

export const resultTypes = ['text', 'number', 'integer', 'currency', 'percent', 'boolean', 'date', 'datetime'];

export const typeIcons: Record<FieldType, ReactNode> = {
  text: <FontSizeOutlined />,
  textarea: <AlignLeftOutlined />,
  number: <NumberOutlined />,
  integer: <FieldBinaryOutlined />,
  currency: <DollarOutlined />,
  percent: <PercentageOutlined />,
  boolean: <CheckSquareOutlined />,
  date: <CalendarOutlined />,
  datetime: <ClockCircleOutlined />,
  email: <MailOutlined />,
  phone: <PhoneOutlined />,
  url: <LinkOutlined />,
  picklist: <UnorderedListOutlined />,
  multipicklist: <TagsOutlined />,
  lookup: <NodeIndexOutlined />,
  user: <UserOutlined />,
  autonumber: <OrderedListOutlined />,
  formula: <FunctionOutlined />,
};

/** Colour names an option may use besides #rrggbb (forms/field_picklist.go palette). */
export const optionColors = ['blue', 'green', 'red', 'orange', 'gold', 'purple', 'cyan', 'magenta', 'gray'];

/** Settings a new field of the type starts with, so that it saves as dropped. */
export function newFieldSettings(type: FieldType): Record<string, unknown> {
  switch (type) {
    case 'currency':
      return { currency: 'CNY' };
    case 'picklist':
    case 'multipicklist':
      return { options: [] };
    case 'formula':
      return { result_type: 'number', expression: '' };
    case 'autonumber':
      return { prefix: '', digits: 4 };
    default:
      return {};
  }
}
