import { SearchOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import { Button, Empty, Flex, Input, Modal, Spin, Typography, theme } from 'antd';
import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { InputRef } from 'antd';
import { useNavigate } from 'react-router';
import { useSearch } from '../api/search';
import { useI18n } from '../i18n/context';
import { flatten, rememberRecent, step, toggleFavourite } from './shortlist';
import { useShortlist } from './useShortlist';

interface Row {
  key: string;
  object: string;
  id: string;
  title: string;
  detail?: string;
}

interface Group {
  key: string;
  label: string;
  items: Row[];
  more?: boolean;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The search box in the header: Ctrl/⌘-K from anywhere; every object the user may read, keyboard-driven. */
export function GlobalSearch({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const input = useRef<InputRef>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      {compact ? (
        <Button type="text" icon={<SearchOutlined />} aria-label={t('search.open')} onClick={() => setOpen(true)} />
      ) : (
        <Button
          icon={<SearchOutlined />}
          onClick={() => setOpen(true)}
          style={{ minWidth: 220, justifyContent: 'start' }}
        >
          <Flex justify="space-between" style={{ flex: 1 }} gap={16}>
            <Typography.Text type="secondary">{t('search.open')}</Typography.Text>
            <Typography.Text keyboard type="secondary">
              {isMac ? '⌘K' : 'Ctrl K'}
            </Typography.Text>
          </Flex>
        </Button>
      )}
      <Modal
        open={open}
        onCancel={() => setOpen(false)}
        footer={null}
        closable={false}
        destroyOnHidden
        width={640}
        styles={{ body: { padding: 0 } }}
        style={{ top: compact ? 12 : 80 }}
        // The dialog takes the focus when it opens; the box must have it to type at once.
        afterOpenChange={(o) => o && input.current?.focus()}
      >
        <SearchPanel onClose={() => setOpen(false)} input={input} />
      </Modal>
    </>
  );
}

function SearchPanel({ onClose, input }: { onClose: () => void; input: RefObject<InputRef | null> }) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const listId = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const results = useSearch(q);
  const { user, recent, favourites } = useShortlist();

  const groups: Group[] = useMemo(() => {
    const ref = (kind: string) => (r: { object: string; id: string; title: string }) => ({
      key: `${kind}:${r.object}:${r.id}`,
      object: r.object,
      id: r.id,
      title: r.title,
    });
    if (!q) {
      return [
        { key: 'favourites', label: t('search.favourites'), items: favourites.map(ref('f')) },
        { key: 'recent', label: t('search.recent'), items: recent.map(ref('r')) },
      ].filter((g) => g.items.length > 0);
    }
    return (results.data ?? []).map((g) => ({
      key: g.object,
      label: g.label,
      more: g.more,
      items: g.items.map((it) => ({
        key: `${g.object}:${it.id}`,
        object: g.object,
        id: it.id,
        title: it.title == null || it.title === '' ? t('search.untitled') : String(it.title),
        detail: it.detail == null ? undefined : String(it.detail),
      })),
    }));
  }, [q, results.data, recent, favourites, t]);
  const rows = flatten(groups);
  const [active, setActive] = useState(-1);
  useEffect(() => setActive(rows.length > 0 ? 0 : -1), [q, rows.length]);

  const go = (row: Row | undefined) => {
    if (!row) return;
    if (user) rememberRecent(user, { object: row.object, id: row.id, title: row.title });
    onClose();
    void navigate(`/app/${row.object}/${row.id}`);
  };
  const activeRow = rows[active];

  return (
    <div>
      <Input
        ref={input}
        autoFocus
        size="large"
        variant="borderless"
        prefix={<SearchOutlined />}
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        role="combobox"
        aria-expanded
        aria-controls={listId}
        aria-activedescendant={activeRow ? `${listId}-${activeRow.key}` : undefined}
        aria-label={t('search.open')}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => step(a, rows.length, e.key === 'ArrowDown' ? 1 : -1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            go(activeRow);
          }
        }}
        style={{ padding: '12px 16px', borderBottom: `1px solid ${token.colorBorderSecondary}` }}
      />
      <div
        id={listId}
        role="listbox"
        aria-label={t('search.results')}
        style={{ maxHeight: '60vh', overflowY: 'auto', padding: 8 }}
      >
        {q && results.isPending && (
          <Flex justify="center" style={{ padding: 24 }}>
            <Spin />
          </Flex>
        )}
        {q && !results.isPending && groups.length === 0 && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.none', { q })} />
        )}
        {!q && groups.length === 0 && (
          <Typography.Paragraph type="secondary" style={{ padding: 16, margin: 0 }}>
            {t('search.hint')}
          </Typography.Paragraph>
        )}
        {groups.map((g) => (
          <div key={g.key} role="group" aria-label={g.label}>
            <Typography.Text type="secondary" strong style={{ display: 'block', padding: '8px 8px 4px', fontSize: 12 }}>
              {g.label}
            </Typography.Text>
            {g.items.map((row) => {
              const selected = activeRow?.key === row.key;
              return (
                <div
                  key={row.key}
                  id={`${listId}-${row.key}`}
                  role="option"
                  aria-selected={selected}
                  onMouseEnter={() => setActive(rows.indexOf(row))}
                  onClick={() => go(row)}
                  style={{
                    padding: '8px 12px',
                    borderRadius: token.borderRadius,
                    cursor: 'pointer',
                    background: selected ? token.controlItemBgActive : undefined,
                  }}
                >
                  <Typography.Text strong className="crm-ellipsis" style={{ display: 'block' }}>
                    {row.title}
                  </Typography.Text>
                  {row.detail && (
                    <Typography.Text
                      type="secondary"
                      className="crm-ellipsis"
                      style={{ display: 'block', fontSize: 12 }}
                    >
                      {row.detail}
                    </Typography.Text>
                  )}
                </div>
              );
            })}
            {g.more && (
              <Typography.Text type="secondary" style={{ display: 'block', padding: '4px 12px', fontSize: 12 }}>
                {t('search.more')}
              </Typography.Text>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

/** The star on a record page: adds the record to the user's favourites (navigation and search). */
export function FavouriteButton({ object, id, title }: { object: string; id: string; title: string }) {
  const { t } = useI18n();
  const { user, favourites } = useShortlist();
  const on = user !== '' && favourites.some((f) => f.object === object && f.id === id);
  // A visit is remembered for the search box's recent list.
  useEffect(() => {
    if (user && id && title) rememberRecent(user, { object, id, title });
  }, [user, object, id, title]);
  if (!user) return null;
  return (
    <Button
      type="text"
      icon={on ? <StarFilled style={{ color: '#faad14' }} /> : <StarOutlined />}
      aria-label={on ? t('search.unfavourite') : t('search.favourite')}
      aria-pressed={on}
      onClick={() => toggleFavourite(user, { object, id, title })}
    />
  );
}
