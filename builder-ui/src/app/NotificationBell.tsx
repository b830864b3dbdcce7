import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Empty, Flex, Grid, List, Popover, Typography } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useNotifications, workApi, type Notification } from '../api/work';
import { useI18n } from '../i18n/context';

dayjs.extend(relativeTime);

/** The header's bell: unread count, the latest notifications, each marked read when opened. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  // On phones the list opens as a sheet over the page: a popover would not fit beside the bell.
  const phone = !Grid.useBreakpoint().md;
  const notes = useNotifications();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  const read = useMutation({ mutationFn: workApi.readNotification, onSuccess: refresh });
  const readAll = useMutation({ mutationFn: workApi.readAll, onSuccess: refresh });
  const unread = notes.data?.unread ?? 0;

  const openNote = (n: Notification) => {
    if (!n.read) read.mutate(n.id);
    setOpen(false);
    if (n.object && n.record) void navigate(`/app/${n.object}/${n.record}`);
  };

  const title = (
    <Flex justify="space-between" align="center" gap={16}>
      <span>{t('app.notifications.title')}</span>
      <Button
        size="small"
        type="link"
        disabled={unread === 0}
        loading={readAll.isPending}
        onClick={() => readAll.mutate()}
      >
        {t('app.notifications.readAll')}
      </Button>
    </Flex>
  );
  const list = (
    <List
      size="small"
      dataSource={(notes.data?.items ?? []).slice(0, 20)}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('app.notifications.empty')} /> }}
      renderItem={(n) => (
        <List.Item
          data-testid="notification"
          onClick={() => openNote(n)}
          style={{ cursor: 'pointer', paddingInline: 4, alignItems: 'flex-start' }}
        >
          {/* The whole title and up to three lines of the message: one line cut most of them. */}
          <Flex vertical style={{ minWidth: 0 }}>
            <Typography.Text strong={!n.read} style={{ overflowWrap: 'anywhere' }}>
              {!n.read && <Badge status="processing" style={{ marginInlineEnd: 6 }} />}
              {n.title}
            </Typography.Text>
            {n.message && (
              <Typography.Paragraph
                type="secondary"
                ellipsis={{ rows: 3, tooltip: n.message }}
                style={{ margin: 0, overflowWrap: 'anywhere' }}
              >
                {n.message}
              </Typography.Paragraph>
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {dayjs(n.at).fromNow()}
            </Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
  const bell = (
    <Button
      type="text"
      shape="circle"
      aria-label={t('app.notifications.bell', { count: unread })}
      onClick={phone ? () => setOpen(true) : undefined}
    >
      <Badge count={unread} size="small" offset={[2, -2]}>
        <BellOutlined style={{ fontSize: 18 }} />
      </Badge>
    </Button>
  );

  if (phone) {
    return (
      <>
        {bell}
        <Drawer placement="top" height="auto" open={open} onClose={() => setOpen(false)} title={title}>
          {list}
        </Drawer>
      </>
    );
  }
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      title={title}
      content={<div style={{ width: 340, maxHeight: 400, overflow: 'auto' }}>{list}</div>}
    >
      {bell}
    </Popover>
  );
}
