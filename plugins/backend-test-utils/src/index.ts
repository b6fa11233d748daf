/**
 * Test helpers shared by our backend plugins (devDependency only: nothing here is bundled into the backend).
 *
 * @packageDocumentation
 */
export * from './fuzz';
export * from './portalPolicy';
