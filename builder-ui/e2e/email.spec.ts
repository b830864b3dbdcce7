import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { choose } from './builder-helpers';
import { call, type Rec } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

// A real SMTP server the test starts: cmd/smtpsink (go-smtp on 127.0.0.1, AUTH PLAIN required),
// which keeps each message it receives as a JSON file. The CRM server sends to it over TCP with
// the settings the admin types in the Email page.

interface Received {
  from: string;
  to: string[];
  auth?: string;
  subject: string;
  from_header: string;
  text: string;
  html: string;
}

interface Sink {
  port: number;
  dir: string;
  messages: () => Received[];
  stop: () => Promise<void>;
}

const repo = fileURLToPath(new URL('../..', import.meta.url));
const sinkUser = 'mailer';
const sinkPass = 'sink-s3cret';
let sinkBin = '';

test.beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-smtpsink-'));
  sinkBin = join(dir, 'smtpsink');
  execFileSync('go', ['build', '-o', sinkBin, './cmd/smtpsink'], { cwd: repo, stdio: 'inherit' });
});

async function startSink(): Promise<Sink> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-mail-'));
  const proc: ChildProcess = spawn(sinkBin, ['--dir', dir, '--user', sinkUser, '--pass', sinkPass], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('smtpsink did not start in 10 s')), 10_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /smtpsink addr=127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`smtpsink exited early:\n${seen}`)));
  });
  return {
    port,
    dir,
    messages: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Received),
    stop: async () => {
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The engine refuses a web form sent sooner than a person fills one (3 s by default).
async function afterMinimumFill(page: Page, openedAt: number) {
  await page.waitForTimeout(Math.max(0, 3_300 - (Date.now() - openedAt)));
}

test('an admin sets up SMTP in the Email page, a website lead is assigned and its owner gets an email', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(180_000);
  const sink = await startSink();
  try {
    // The SMTP settings, typed in the page; first a wrong password: the test email says why.
    await signIn(page);
    await page.goto('/email');
    // The page's code loads on first visit: slow on a loaded machine.
    await expect(page.getByRole('heading', { name: 'Email', exact: true })).toBeVisible({ timeout: 30_000 });
    const form = page.getByTestId('smtp-form');
    await form.getByLabel('SMTP server').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(sink.port));
    await choose(page, form, 'Security', 'None (plain text)');
    await form.getByLabel('User name').fill(sinkUser);
    await form.getByLabel('Password').fill('wrong-password');
    await form.getByLabel('From address').fill('crm@example.com');
    await form.getByLabel('From name').fill('CRM');
    await form.getByLabel('The app’s public address').fill('https://crm.example.com');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('SMTP settings saved')).toBeVisible();
    await page.getByLabel('Send a test email to').fill('ops@example.com');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await expect(page.getByText(/The test email failed: .*Authentication credentials invalid/)).toBeVisible();
    expect(sink.messages()).toHaveLength(0);

    await form.getByLabel('Password').fill(sinkPass);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('SMTP settings saved').first()).toBeVisible();
    // Read back, the password is a mask, in the page and in the API.
    await page.reload();
    await expect(form.getByLabel('Password')).toHaveValue('********', { timeout: 30_000 });
    const stored = await call<{ password: string }>(request, token, 'GET', '/api/admin/smtp');
    expect(stored.password).toBe('********');
    // The mask kept the password: the test email gets through the server's login.
    await page.getByLabel('Send a test email to').fill('ops@example.com');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await expect(page.getByText('Test email sent to ops@example.com')).toBeVisible();
    await expect.poll(() => sink.messages().length).toBe(1);
    const testMail = sink.messages()[0];
    expect(testMail.auth).toBe(sinkUser);
    expect(testMail.to).toEqual(['ops@example.com']);
    expect(testMail.from).toBe('crm@example.com');
    await expectNoHorizontalOverflow(page);
    await shot('email-smtp-settings');

    // A visitor, signed out, sends the hosted website form in Chinese.
    await page.context().clearCookies();
    const visitor = `visitor-${info.project.name}-${Date.now()}@north.example`;
    const company = `北方制造 <${info.project.name}> & 子公司`;
    await page.goto('/f/website_enquiry?lang=zh-CN');
    const opened = Date.now(); // once the page has arrived: the server stamped it before
    await expect(page.getByRole('heading', { name: '官网咨询' })).toBeVisible();
    await page.getByLabel('公司').fill(company);
    await page.getByLabel('联系人').fill('赵强');
    await page.getByLabel('邮箱').fill(visitor);
    await page.getByLabel('区域').selectOption({ label: '华北' });
    await page.getByLabel('留言').fill('想了解报价 & 交期');
    await afterMinimumFill(page, opened);
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page.getByRole('status')).toContainText('感谢您的咨询');

    // The template's rules give the northern lead to li; the outbox sends li the new-lead email.
    const found = await call<{ items: Rec[] }>(
      request,
      token,
      'GET',
      `/api/records/lead?filter=${encodeURIComponent(`email = "${visitor}"`)}`,
    );
    expect(found.items).toHaveLength(1);
    const lead = found.items[0];
    const owner = await call<{ email: string }>(request, token, 'GET', `/api/users/${String(lead.owner)}`);
    expect(owner.email).toBe('li@demo.example.com');
    // The scheduler ticks every 5 s: the email is sent on a tick after the lead was saved.
    await expect
      .poll(() => sink.messages().filter((m) => m.to.includes(owner.email)).length, { timeout: 30_000 })
      .toBe(1);
    const mail = sink.messages().find((m) => m.to.includes(owner.email))!;
    expect(mail.to).toEqual([owner.email]);
    expect(mail.auth).toBe(sinkUser);
    expect(mail.subject).toContain(company);
    expect(mail.text).toContain('想了解报价 & 交期');
    expect(mail.text).toContain(`https://crm.example.com/app/lead/${lead.id}`);
    // Merged values are escaped in the HTML part: the visitor's text cannot add markup.
    expect(mail.html).toContain('北方制造 &lt;');
    expect(mail.html).not.toContain(`<${info.project.name}>`);

    // The admin sees it sent: in the outbox and on the lead's history.
    await signIn(page);
    await page.goto('/email?tab=outbox');
    const row = page.getByRole('row').filter({ hasText: owner.email });
    await expect(row).toContainText('Sent');
    await expect(row).toContainText(company);
    await page.goto(`/app/lead/${lead.id}`);
    await page.getByRole('tab', { name: 'History' }).click();
    // The entry shows twice: in the History tab and in the Activity card (the record's trail).
    const inHistory = page.getByRole('tabpanel').getByTestId('history-email');
    await expect(inHistory).toContainText(owner.email);
    await expect(inHistory).toContainText(company);
    await expect(page.getByTestId('activity-change').getByTestId('history-email')).toContainText(owner.email);
    await shot('email-record-history');

    // The shipped template, previewed in the builder against this real lead.
    await page.goto('/email?tab=templates');
    await choose(page, page.locator('body'), 'Template', 'New website lead (to its owner) · lead');
    await page.getByLabel('Record id to preview with').fill(lead.id);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByTestId('email-preview-subject')).toContainText(company);
    await expect(page.getByTestId('email-preview-text')).toContainText('想了解报价 & 交期');
    await expectNoHorizontalOverflow(page);
    await shot('email-template-preview');
  } finally {
    await sink.stop();
  }
});

test('the Email page in Chinese: a wrong address is refused at its field, a template naming an unknown field at its part', async ({
  page,
  shot,
}) => {
  await signIn(page);
  await page.evaluate(() => localStorage.setItem('crm.locale', 'zh-CN'));
  await page.goto('/email');
  await expect(page.getByRole('heading', { name: '邮件', exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('tab', { name: 'SMTP 设置' })).toBeVisible();
  const form = page.getByTestId('smtp-form');
  await form.getByLabel('SMTP 服务器').fill('smtp.example.com');
  await form.getByLabel('端口').fill('587');
  await form.getByLabel('发件地址').fill('not an address');
  await form.getByRole('button', { name: '保存设置' }).click();
  await expect(form.locator('.ant-form-item-has-error')).toContainText(/.+/);
  await expectNoHorizontalOverflow(page);
  await shot('email-smtp-zh-invalid');

  await page.getByRole('tab', { name: '邮件模板' }).click();
  await page.getByRole('button', { name: '新建模板' }).click();
  const editor = page.getByTestId('email-template-editor');
  await editor.getByLabel('名称', { exact: true }).fill('zh_probe');
  await choose(page, editor, '对象', '线索');
  await editor.getByLabel('主题 zh-CN').fill('您好 {{ghost_field}}');
  await editor.getByLabel('纯文本正文 zh-CN').fill('正文 {{company}}');
  await editor.getByRole('button', { name: '保存模板' }).click();
  await expect(editor.locator('.ant-form-item-has-error')).toContainText('ghost_field');
  await expectNoHorizontalOverflow(page);
  await shot('email-template-zh-invalid');
});
