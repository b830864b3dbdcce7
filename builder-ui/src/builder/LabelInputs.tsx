import { Form, Input } from 'antd';
import type { Label } from '../api/objects';
import { useI18n } from '../i18n/context';
import type { PlacedProblem } from './problems';

interface Props {
  value: Label | undefined;
  onChange: (l: Label) => void;
  /** "label", "help", "message", "title": which text this is, for the inputs' names. */
  what: 'label' | 'help' | 'message' | 'title' | 'reason';
  problems?: PlacedProblem[];
  textarea?: boolean;
}

// One input per locale of the app: definitions carry their texts in every language.
const tongues = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '中文' },
] as const;

export function LabelInputs({ value, onChange, what, problems, textarea }: Props) {
  const { t } = useI18n();
  return (
    <>
      {tongues.map(({ locale, name }) => {
        const ps = (problems ?? []).filter((p) => p.setting === what || p.setting === `${what}/${locale}`);
        const label = t(`builder.text.${what}`, { language: name });
        const props = {
          'aria-label': label,
          value: value?.[locale] ?? '',
          onChange: (e: { target: { value: string } }) => onChange({ ...value, [locale]: e.target.value }),
        };
        return (
          <Form.Item
            key={locale}
            label={label}
            validateStatus={ps.length ? 'error' : undefined}
            help={ps.length ? ps.map((p) => p.message).join('; ') : undefined}
          >
            {textarea ? <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} {...props} /> : <Input {...props} />}
          </Form.Item>
        );
      })}
    </>
  );
}
