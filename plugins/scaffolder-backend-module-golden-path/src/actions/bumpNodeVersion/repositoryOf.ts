import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** A component's repository, as read from its source location. */
export interface Repository {
  host: string;
  /** Everything before the repository name (`example-org` on GitHub; empty on the local git remotes). */
  owner?: string;
  name: string;
  branch: string;
  /** The component's folder in the repository (`''` at the root, else ending in `/`). */
  dir: string;
  /** The URL of a file of that folder on that branch, for a UrlReader. */
  fileUrl(path: string): string;
}

/**
 * Where an entity's files live: its `backstage.io/source-location`, or, when the catalog set none (hosts without an
 * SCM integration, such as the local git remotes), the folder of the catalog file it was registered from. Both
 * must be `https://<host>/[<owner>/]<repo>/(tree|blob)/<branch>/[<dir>/]`.
 */
export function repositoryOf(entity: Entity): Repository {
  const annotations = entity.metadata.annotations ?? {};
  const ref = stringifyEntityRef(entity);
  let target: string | undefined;
  const source = annotations[ANNOTATION_SOURCE_LOCATION];
  const managedBy = annotations[ANNOTATION_LOCATION];
  if (source) {
    target = parseUrlLocation(source, ref);
  } else if (managedBy) {
    target = parseUrlLocation(managedBy, ref).replace(/[^/]*$/, '');
  }
  if (!target) {
    throw new InputError(
      `${ref} has no ${ANNOTATION_SOURCE_LOCATION} annotation and was not registered from a URL: its repository is unknown`,
    );
  }
  const url = new URL(target);
  const segments = url.pathname.split('/').filter(Boolean);
  const at = segments.findIndex(
    (s, i) => i > 0 && (s === 'tree' || s === 'blob'),
  );
  if (at < 0 || at + 1 >= segments.length) {
    throw new InputError(
      `${ref}: cannot tell the repository from ${target}; expected https://<host>/[<owner>/]<repo>/tree/<branch>/`,
    );
  }
  const name = segments[at - 1];
  const owner = segments.slice(0, at - 1).join('/') || undefined;
  const branch = segments[at + 1];
  const rest = segments.slice(at + 2).join('/');
  const dir = rest ? `${rest}/` : '';
  const prefix = `${url.origin}/${segments.slice(0, at).join('/')}`;
  return {
    host: url.host,
    owner,
    name,
    branch,
    dir,
    fileUrl: path => `${prefix}/blob/${branch}/${dir}${path}`,
  };
}

function parseUrlLocation(value: string, ref: string): string {
  const { type, target } = parseLocationRef(value);
  if (type !== 'url') {
    throw new InputError(
      `${ref} comes from a ${type} location (${target}), not a repository`,
    );
  }
  return target;
}
