import { BulbOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { Link } from 'react-router';
import { useMe } from '../api/auth';
import type { FormField } from '../api/forms';
import type { ObjectDef } from '../api/objects';
import { indexable, parseKey, sortServed } from '../builder/indexes';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { isBuilder } from './useAppMenu';

const systemLabels: Record<string, MessageKey> = {
  created_at: 'app.field.createdAt',
  updated_at: 'app.field.updatedAt',
  owner: 'app.field.owner',
  sla_due_at: 'app.list.sla',
  sla_status: 'app.list.sla',
};

/**
 * A quiet line for those who design the object (admins, analysts): no index serves the list's
 * order, so it reads and sorts every record; a link opens the builder's indexes with one suggested.
 * Everyone else never sees it.
 */
export function IndexHint({ def, sort, fields }: { def: ObjectDef | undefined; sort: string; fields: FormField[] }) {
  const { t } = useI18n();
  const me = useMe();
  if (!def || !isBuilder(me.data?.roles) || sortServed(def, sort)) return null;
  const keys = sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Only what an index can name is worth suggesting.
  if (!keys.every((k) => indexable(def.fields, parseKey(k).name))) return null;
  const order = keys
    .map(parseKey)
    .map((k) => {
      const label =
        fields.find((f) => f.name === k.name)?.label ?? (systemLabels[k.name] ? t(systemLabels[k.name]!) : k.name);
      return `${label} ${k.desc ? '↓' : '↑'}`;
    })
    .join(', ');
  return (
    <Typography.Text type="secondary" className="crm-index-hint" data-testid="index-hint">
      <BulbOutlined /> {t('app.list.indexHint', { order })}{' '}
      <Link to={`/objects/${encodeURIComponent(def.name)}?tab=indexes&add=${encodeURIComponent(keys.join(','))}`}>
        {t('app.list.indexHintLink')}
      </Link>
    </Typography.Text>
  );
}
