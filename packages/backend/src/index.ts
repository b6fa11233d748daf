import { createBackend } from '@backstage/backend-defaults';
import { circuitBreakerHttpRouterServiceFactory } from '@internal/plugin-circuit-breaker-backend';
import {
  gracefulRootHttpRouterServiceFactory,
  scaffolderGracefulShutdownModule,
} from '@internal/backend-graceful-shutdown';
import { requiredEnvironmentCheck } from '@internal/backend-required-env';
import { devOnlyFeatureLoader } from './devOnlyFeatures';

const backend = createBackend();

// Fail fast: a start with a variable of backend.requiredEnvironment unset stops before any plugin initializes.
backend.add(requiredEnvironmentCheck);

// Graceful shutdown on SIGTERM (ECS): in-flight requests drain before plugins and database pools stop, within
// backend.gracefulShutdown.drainTimeout (replaces the default rootHttpRouter service; same middleware and routes).
backend.add(gracefulRootHttpRouterServiceFactory);

// Every plugin's routes behind a per-plugin circuit breaker (replaces the default httpRouter service),
// and the status API behind the Plugin health page.
backend.add(circuitBreakerHttpRouterServiceFactory);
backend.add(import('@internal/plugin-circuit-breaker-backend'));

// Development and test features (devDependencies, never in the production image), each only when the config asks
// for it: the templates' local git publish target (scaffolder.localGit) and the e2e fault-injection plugin
// (backend.circuitBreaker.faultInjection). See src/devOnlyFeatures.ts.
backend.add(devOnlyFeatureLoader());

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
// SIGTERM never leaves a running task 'failed': the scaffolder's database client closes before the HTTP listener, so
// the task stays 'processing' and task recovery resumes it (plugins/graceful-shutdown-backend).
backend.add(scaffolderGracefulShutdownModule);
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// Task workspaces serialized to the database, so a recovered task gets its files back (dev-only provider upstream;
// see README, Scaffolder recovery).
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-workspace-database'),
);
// Our golden-path actions (catalog:register:idempotent).
backend.add(import('@internal/plugin-scaffolder-backend-module-golden-path'));

// Tech-migration tracker: migrations from catalog/migrations, leaderboards, burn-up (plugins/tech-migrations-backend).
backend.add(import('@internal/plugin-tech-migrations-backend'));

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// Guest sign-in for development (auth.providers.guest in app-config.yaml; production configures none, so it is off).
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// GitHub sign-in (staging and production: auth.providers.github); without it /api/auth/github answers 404.
// Upstream's GitHub provider, whose usernameMatchingUserEntityName refusal names the login and says why.
backend.add(import('@internal/plugin-auth-backend-module-github-org-sign-in'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// Users and teams from the GitHub organization (production: catalog.providers.githubOrg; development keeps the
// YAML org); top-level teams become tribes, nested teams squads.
backend.add(import('@backstage/plugin-catalog-backend-module-github-org'));
backend.add(import('@internal/plugin-catalog-backend-module-github-org-shape'));

// Catalog processing errors in the backend log.
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Our policy as code in every environment, development included (plugins/permission-backend-module-policy).
backend.add(import('@internal/plugin-permission-backend-module-policy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine: PostgreSQL's (upstream module-pg), else Lunr in memory; an index being built answers empty with a notice.
backend.add(import('@internal/plugin-search-backend-module-index-status'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// manage page: team summaries and KPIs
backend.add(import('@internal/plugin-manage-backend'));
// KPI providers, each enabled only by its manage.providers.<name> config (plugins/manage-backend-module-*).
backend.add(import('@internal/plugin-manage-backend-module-aws-cost'));
backend.add(import('@internal/plugin-manage-backend-module-pagerduty'));
backend.add(import('@internal/plugin-manage-backend-module-github-security'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// The events bus across replicas: events published on one replica (signals, so notifications; catalog events)
// reach subscribers on every replica through PostgreSQL (LISTEN/NOTIFY + a table); on SQLite it is in memory, local
// to the process. Without it each replica only hears its own events (README, Several replicas).
backend.add(import('@backstage/plugin-events-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
