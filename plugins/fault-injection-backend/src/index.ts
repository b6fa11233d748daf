/**
 * Test-only: the `fault-injection` plugin, whose `GET /api/fault-injection/fail` always answers 500, so the
 * end-to-end tests can open a real circuit breaker. A devDependency of the backend only: never in the production
 * bundle or image (system-tests/lib/production-install.mjs checks it).
 *
 * @packageDocumentation
 */
export { faultInjectionPlugin as default } from './plugin';
