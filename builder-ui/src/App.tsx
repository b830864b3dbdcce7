import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router';
import { newQueryClient } from './api/queryClient';
import { RequireAuth } from './auth/RequireAuth';
import { SessionExpiry } from './auth/SessionExpiry';
import { I18nProvider } from './i18n/I18nProvider';
import { FullPageSpin } from './shell/FullPageSpin';

// Every page is its own chunk; the shell comes with the first signed-in page.
const AppShell = lazy(() => import('./shell/AppShell').then((m) => ({ default: m.AppShell })));
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
const RecordListPage = lazy(() => import('./app/RecordListPage'));
const RecordFormPage = lazy(() => import('./app/RecordFormPage'));
const RecordPage = lazy(() => import('./app/RecordPage'));
const MergePage = lazy(() => import('./app/MergePage'));
const KanbanPage = lazy(() => import('./app/KanbanPage'));
const InboxPage = lazy(() => import('./app/InboxPage'));
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

export function App() {
  const [queryClient] = useState(newQueryClient);
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
