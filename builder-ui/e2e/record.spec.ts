import { call, formItem, lin, linContract, pickOption, type Rec, signInAs, tokenOf, zhou } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

test('the approval panel: a rep submits, the manager rejects with a comment, the rep submits again and recalls', async ({
  page,
  request,
  phone,
  shot,
}, info) => {
  test.setTimeout(120_000); // three sign-ins on a shared machine
  const { contract, title, token } = await linContract(request, info, 'Panel contract', 8000);

  await signInAs(page, lin);
  await page.goto(`/app/contract/${contract.id}`);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await page.getByRole('button', { name: 'Submit for approval' }).click();
  await page.getByRole('dialog').getByLabel('Comment (optional)').fill('Please sign off');
  await page.getByRole('dialog').getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('approval-status')).toHaveText('Pending');
  await expect(page.getByText('At Area manager, waiting for Zhou Min')).toBeVisible();
  await expect(page.getByText('“Please sign off”')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('70-approval-pending');

  // While it waits the record is locked: Edit is disabled and the page says why.
  await expect(page.getByRole('button', { name: 'Edit' })).toBeDisabled();
  await expect(page.getByTestId('record-locked')).toContainText(
    /Locked while it waits for approval \(submitted by Lin/,
  );
  // The form reached by its address is refused by the server, with the reason.
  await page.goto(`/app/contract/${contract.id}/edit`);
  await page.locator('#field-terms').fill('Changed while waiting');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.ant-alert')).toContainText('waiting for an approval');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The manager answers on the record page itself.
  const switchTo = async (email: string) => {
    if (phone) {
      await page.getByRole('button', { name: 'Account' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
    } else {
      await page.getByRole('button', { name: 'Sign out' }).click();
    }
    await expect(page).toHaveURL(/\/login$/);
    await signInAs(page, email);
    await page.goto(`/app/contract/${contract.id}`);
  };
  await switchTo(zhou);
  await page.getByRole('button', { name: 'Reject' }).click();
  await page.getByRole('dialog').getByLabel('Comment (optional)').fill('Wrong billing address');
  await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByTestId('approval-status')).toHaveText('Rejected');
  await expect(page.getByText('“Wrong billing address”')).toBeVisible();
  const stored = await call<Rec>(request, token, 'GET', `/api/records/contract/${contract.id}`);
  expect(stored.status).toBe('rejected');
  await shot('71-approval-rejected');

  // A rejected contract may go again; its submitter may take it back.
  await switchTo(lin);
  await page.getByRole('button', { name: 'Submit for approval' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('approval-status')).toHaveText('Pending');
  await page.getByRole('button', { name: 'Recall' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Recall' }).click();
  await expect(page.getByTestId('approval-status')).toHaveText('Recalled');
  await expect(page.getByRole('button', { name: 'Reject' })).toHaveCount(0);
  // Recalled: editable again.
  await expect(page.getByRole('button', { name: 'Edit' })).toBeEnabled();
  await expect(page.getByTestId('record-locked')).toHaveCount(0);
});

test('a rep converts a lead with its manual automation', async ({ page, request, shot }, info) => {
  const token = await tokenOf(request, lin);
  const company = `Convert Co ${info.project.name} ${Date.now()}`;
  const lead = await call<Rec>(request, token, 'POST', '/api/records/lead', {
    company,
    contact_name: 'Ma Li',
    source: 'website',
    region: 'south',
    industry: 'SaaS',
    status: 'qualified',
    owner: (await call<{ id: string }>(request, token, 'GET', '/api/auth/me')).id,
  });
  await signInAs(page, lin);
  await page.goto(`/app/lead/${lead.id}`);
  await expect(page.getByRole('heading', { name: company })).toBeVisible();
  await shot('72-lead');
  await page.getByRole('button', { name: 'Convert' }).click();
  // The confirm button names the action.
  await page.getByRole('dialog').getByRole('button', { name: 'Convert' }).click();
  await expect(page.getByText('Done', { exact: true })).toBeVisible();
  // The lead now links to what the automation created.
  await expect(page.getByRole('link', { name: `${company} - new business` })).toBeVisible();
  const stored = await call<Rec>(request, token, 'GET', `/api/records/lead/${lead.id}`);
  expect(stored.status).toBe('converted');
  expect(stored.converted_opportunity).toBeTruthy();
  await expectNoHorizontalOverflow(page);
  await shot('73-lead-converted');
});

test('field-level security: a hidden field is absent, a read-only one disabled', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  const admin = { Authorization: `Bearer ${token}` };
  const role = `intern_${info.project.name}_${Date.now()}`;
  const roleRes = await request.post('/api/roles', {
    headers: admin,
    data: {
      name: role,
      objects: { '*': { read: true }, lead: { create: true, read: true, edit: true, see_all: true } },
      fields: { lead: { email: 'hidden', source: 'read_only' } },
    },
  });
  expect(roleRes.status(), await roleRes.text()).toBe(201);
  const email = `${role}@demo.example.com`;
  const password = 'Intern-pass-2026!';
  const userRes = await request.post('/api/users', {
    headers: admin,
    data: { email, password, name: 'Intern', roles: [role] },
  });
  expect(userRes.status(), await userRes.text()).toBe(201);

  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/);
  await page.goto('/app/lead/new');
  await expect(page.getByRole('heading', { name: 'New Lead' })).toBeVisible();
  await expect(page.locator('#field-email')).toHaveCount(0);
  await expect(formItem(page, 'source').locator('.ant-select')).toHaveClass(/ant-select-disabled/);
  await expect(page.locator('#field-company')).toBeEnabled();
  await shot('74-form-field-security');
  await page.locator('#field-company').fill(`Secure Co ${info.project.name}`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: `Secure Co ${info.project.name}` })).toBeVisible();
  await expect(page.getByText('Email', { exact: true })).toHaveCount(0);
});

test('a list pages through the records with the server cursor', async ({ page, request, shot }, info) => {
  const token = await tokenOf(request, lin);
  const me = await call<{ id: string }>(request, token, 'GET', '/api/auth/me');
  test.setTimeout(90_000); // 23 records made through the API first
  const tag = `Paging ${info.project.name} ${Date.now()}`;
  for (let i = 1; i <= 23; i++) {
    await call(request, token, 'POST', '/api/records/task', { subject: `${tag} #${i}`, status: 'open', owner: me.id });
  }
  await signInAs(page, lin);
  await page.goto('/app/task');
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === tag);
  await page.getByPlaceholder('Search').fill(tag);
  await searched;
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toContainText(tag);
  await expect(page.getByText('Page 1')).toBeVisible();
  const next = page.waitForRequest((r) => !!new URL(r.url()).searchParams.get('cursor'));
  await page.getByRole('button', { name: 'Next' }).click();
  await next;
  await expect(rows).toHaveCount(3);
  await expect(page.getByText('Page 2')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expectNoHorizontalOverflow(page);
  await shot('75-list-page-2');
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(rows).toHaveCount(20);
  // Newest first: the last one made leads the first page.
  await expect(rows.first()).toContainText(`${tag} #23`);
});

test('a lead the rules give to someone else says where it went, and the rep stays on the list', async ({
  page,
  shot,
}, info) => {
  await signInAs(page, lin);
  await page.goto('/app/lead/new');
  const company = `Northern Co ${info.project.name} ${Date.now()}`;
  await page.locator('#field-company').fill(company);
  await formItem(page, 'region').locator('.ant-select').click();
  await pickOption(page, 'North');
  await page.getByRole('button', { name: 'Save' }).click();
  // The template sends northern leads to the north team (Li Na), whose records lin does not see.
  await expect(
    page.getByText(/Saved and assigned to .+ by the assignment rule "North"\. You no longer have access to it\./),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/app\/lead$/);
  await expect(page.getByText('This record cannot be shown')).toHaveCount(0);
  await shot('75-lead-assigned-away');
});

test('Convert offers the account and the contact we have, and links them instead of new ones', async ({
  page,
  request,
  shot,
}, info) => {
  const token = await tokenOf(request, lin);
  const stamp = `${info.project.name}${Date.now()}`;
  const accounts = await call<{ items: Rec[] }>(
    request,
    token,
    'GET',
    `/api/records/account?filter=${encodeURIComponent('name = "Acme Software"')}`,
  );
  const acme = accounts.items[0].id;
  const email = `ma.li.${stamp}@acme.example.com`;
  const contact = await call<Rec>(request, token, 'POST', '/api/records/contact', {
    first_name: 'Li',
    last_name: `Ma ${stamp}`,
    email,
    account: acme,
  });
  const lead = await call<Rec>(request, token, 'POST', '/api/records/lead', {
    company: 'Acme Software',
    contact_name: `Ma Li ${stamp}`,
    email,
    source: 'website',
    region: 'south',
    industry: 'SaaS',
    status: 'qualified',
    owner: (await call<{ id: string }>(request, token, 'GET', '/api/auth/me')).id,
  });
  await signInAs(page, lin);
  await page.goto(`/app/lead/${lead.id}`);
  await page.getByRole('button', { name: 'Convert' }).click();
  const dialog = page.getByRole('dialog');
  const found = dialog.getByTestId('automation-matches');
  await expect(
    found.getByTestId('automation-use-account').getByRole('radio', { name: /Use Acme Software/ }),
  ).toBeChecked();
  await expect(
    found.getByTestId('automation-use-contact').getByRole('radio', { name: new RegExp(`Use Li Ma ${stamp}`) }),
  ).toBeChecked();
  await expectNoHorizontalOverflow(page);
  await shot('74-convert-existing');
  await dialog.getByRole('button', { name: 'Convert' }).click();
  await expect(page.getByText('Done', { exact: true })).toBeVisible();
  const stored = await call<Rec>(request, token, 'GET', `/api/records/lead/${lead.id}`);
  expect(stored.status).toBe('converted');
  expect(stored.converted_account).toBe(acme);
  expect(stored.converted_contact).toBe(contact.id);
});
