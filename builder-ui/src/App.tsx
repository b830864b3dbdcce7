import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router';
import { meQuery } from './api/auth';
import { session, setRequestLocale } from './api/client';
import { formQuery } from './api/forms';
import { objectsQuery } from './api/objects';
import { newQueryClient } from './api/queryClient';
import { RequireAuth } from './auth/RequireAuth';
import { SessionExpiry } from './auth/SessionExpiry';
import { I18nProvider } from './i18n/I18nProvider';
import { initialLocale } from './i18n/locale';
import { FullPageSpin } from './shell/FullPageSpin';

// Every page is its own chunk; the shell comes with the first signed-in page.
const loadShell = () => import('./shell/AppShell');
const AppShell = lazy(() => loadShell().then((m) => ({ default: m.AppShell })));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const ObjectsPage = lazy(() => import('./pages/ObjectsPage'));
const ObjectBuilderPage = lazy(() => import('./pages/ObjectBuilderPage'));
const CalendarsPage = lazy(() => import('./pages/CalendarsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const FlowsPage = lazy(() => import('./flows/FlowsPage'));
const FlowEditorPage = lazy(() => import('./flows/FlowEditorPage'));
const DashboardsPage = lazy(() => import('./dashboards/DashboardsPage'));
const DashboardPage = lazy(() => import('./dashboards/DashboardPage'));
const HomeRedirect = lazy(() => import('./app/HomeRedirect'));
const AppHomePage = lazy(() => import('./app/AppHomePage'));
const loadRecordListPage = () => import('./app/RecordListPage');
const RecordListPage = lazy(loadRecordListPage);
const loadRecordFormPage = () => import('./app/RecordFormPage');
const RecordFormPage = lazy(loadRecordFormPage);
const loadRecordPage = () => import('./app/RecordPage');
const RecordPage = lazy(loadRecordPage);
const MergePage = lazy(() => import('./app/MergePage'));
const KanbanPage = lazy(() => import('./app/KanbanPage'));
const InboxPage = lazy(() => import('./app/InboxPage'));
const ReportsPage = lazy(() => import('./reports/ReportsPage'));
const ReportBuilderPage = lazy(() => import('./reports/ReportBuilderPage'));
const EmailPage = lazy(() => import('./email/EmailPage'));
const UsersPage = lazy(() => import('./admin/UsersPage'));
const TeamsPage = lazy(() => import('./admin/TeamsPage'));
const RolesPage = lazy(() => import('./admin/RolesPage'));
const ProfilePage = lazy(() => import('./admin/ProfilePage'));
const SetPasswordPage = lazy(() => import('./admin/SetPasswordPage'));
// Swagger UI is large: only this page's chunk brings it.
const ApiReferencePage = lazy(() => import('./pages/ApiReferencePage'));

// The builder's records link of earlier versions: an object's records live in the work area.
function RecordsRedirect() {
  const { name = '' } = useParams();
  return <Navigate to={`/app/${encodeURIComponent(name)}`} replace />;
}

// A signed-in cold load of a work-area page asks at once for what it will need one after another
// otherwise: the shell's and the page's code, the user, the objects and the page's form (each
// waited on the one before: sign-in check, then shell, then page, then its data).
function warmUp(client: QueryClient) {
  if (!session.token()) return;
  // Before the language provider renders: the form's labels come in the request's language.
  setRequestLocale(initialLocale());
  void loadShell();
  void client.prefetchQuery(meQuery);
  void client.prefetchQuery(objectsQuery);
  const [, area, object, id, more] = location.pathname.split('/');
  if (area !== 'app' || !object) return;
  void client.prefetchQuery(formQuery(decodeURIComponent(object)));
  if (!id) void loadRecordListPage();
  else if (id === 'new' || more === 'edit') void loadRecordFormPage();
  else if (!more && !['kanban', 'merge'].includes(id)) void loadRecordPage();
}

function startQueryClient() {
  const client = newQueryClient();
  warmUp(client);
  return client;
}

export function App() {
  const [queryClient] = useState(startQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <SessionExpiry />
          <Suspense fallback={<FullPageSpin />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/set-password" element={<SetPasswordPage />} />
              <Route element={<RequireAuth />}>
                <Route element={<AppShell />}>
                  <Route index element={<HomeRedirect />} />
                  <Route path="/objects" element={<ObjectsPage />} />
                  <Route path="/flows" element={<FlowsPage />} />
                  <Route path="/flows/:name" element={<FlowEditorPage />} />
                  <Route path="/dashboards" element={<DashboardsPage />} />
                  <Route path="/dashboards/:name" element={<DashboardPage />} />
                  <Route path="/app" element={<AppHomePage />} />
                  <Route path="/app/:object" element={<RecordListPage />} />
                  <Route path="/app/:object/new" element={<RecordFormPage />} />
                  <Route path="/app/:object/kanban" element={<KanbanPage />} />
                  <Route path="/app/:object/merge" element={<MergePage />} />
                  <Route path="/app/:object/:id" element={<RecordPage />} />
                  <Route path="/app/:object/:id/edit" element={<RecordFormPage />} />
                  <Route path="/inbox" element={<InboxPage />} />
                  <Route path="/reports" element={<ReportsPage />} />
                  <Route path="/reports/new" element={<ReportBuilderPage />} />
                  <Route path="/reports/:name" element={<ReportBuilderPage />} />
                  <Route path="/objects/new" element={<ObjectBuilderPage />} />
                  <Route path="/objects/:name" element={<ObjectBuilderPage />} />
                  <Route path="/objects/:name/records" element={<RecordsRedirect />} />
                  <Route path="/calendars" element={<CalendarsPage />} />
                  <Route path="/email" element={<EmailPage />} />
                  <Route path="/admin/users" element={<UsersPage />} />
                  <Route path="/admin/teams" element={<TeamsPage />} />
                  <Route path="/admin/roles" element={<RolesPage />} />
                  <Route path="/profile" element={<ProfilePage />} />
                  <Route path="/reference" element={<ApiReferencePage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
