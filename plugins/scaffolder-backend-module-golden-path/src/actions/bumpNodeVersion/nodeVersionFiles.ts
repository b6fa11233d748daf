/**
 * The files that pin a repository's Node.js version, and how each is moved to a newer major. Each bump returns the
 * new text and what changed, or undefined when the file is already at (or above) the target or pins nothing we
 * understand (`lts/*`, a range without a number): such files are left alone rather than guessed at.
 */
export interface Bump {
  text: string;
  /** e.g. `18 → 22`, for the change's description. */
  change: string;
}

export type NodeVersionFile = {
  path: string;
  bump: (text: string, major: number) => Bump | undefined;
};

/** `.nvmrc` / `.node-version`: one version (`18`, `v18.19.0`, `20.11`). */
function bumpVersionFile(text: string, major: number): Bump | undefined {
  const current = text.trim();
  const match = current.match(/^v?(\d+)(?:\.\d+){0,2}$/);
  if (!match || Number(match[1]) >= major) return undefined;
  return { text: `${major}\n`, change: `${current} → ${major}` };
}

/**
 * `engines.node` of package.json. A range counts as below the target when its lowest major is (`>=18`, `^18.0.0`,
 * `18.x`, `18 || 20`); it becomes `>=<major>`. Only that value is replaced in the text, so the file keeps its
 * formatting and key order.
 */
function bumpPackageJson(text: string, major: number): Bump | undefined {
  let engines: unknown;
  try {
    engines = JSON.parse(text)?.engines;
  } catch {
    return undefined; // not ours to repair
  }
  const range = (engines as { node?: unknown } | undefined)?.node;
  if (typeof range !== 'string') return undefined;
  const majors = [...range.matchAll(/(?<![\d.])(\d+)/g)].map(m => Number(m[1]));
  if (!majors.length || Math.min(...majors) >= major) return undefined;
  const wanted = `>=${major}`;
  const enginesAt = text.search(/"engines"\s*:/);
  const nodeKey = new RegExp(
    `("node"\\s*:\\s*)${JSON.stringify(range).replace(
      /[.*+?^${}()|[\]\\]/g,
      '\\$&',
    )}`,
  );
  const tail = text.slice(enginesAt);
  if (enginesAt < 0 || !nodeKey.test(tail)) return undefined;
  return {
    text:
      text.slice(0, enginesAt) +
      tail.replace(nodeKey, `$1${JSON.stringify(wanted)}`),
    change: `engines.node ${range} → ${wanted}`,
  };
}

/**
 * `FROM node:<major>[.<minor>[.<patch>]][-variant]` lines (also `docker.io/library/node`, `--platform=…`, `AS x`).
 * The variant stays (`-alpine`, `-bookworm-slim`); a pinned digest is dropped, since it named the old image.
 */
function bumpDockerfile(text: string, major: number): Bump | undefined {
  const changes: string[] = [];
  const out = text.replace(
    /^(\s*FROM\s+(?:--platform=\S+\s+)?(?:(?:docker\.io\/)?library\/)?node:)(\d+)((?:\.\d+){0,2})([-\w.]*?)(@sha256:[0-9a-f]+)?(?=\s|$)/gim,
    (line, from: string, old: string, minor: string, variant: string) => {
      if (Number(old) >= major) return line;
      changes.push(`node:${old}${minor}${variant} → node:${major}${variant}`);
      return `${from}${major}${variant}`;
    },
  );
  return changes.length ? { text: out, change: changes.join(', ') } : undefined;
}

/** In the order they are read and reported. */
export const NODE_VERSION_FILES: NodeVersionFile[] = [
  { path: '.nvmrc', bump: bumpVersionFile },
  { path: '.node-version', bump: bumpVersionFile },
  { path: 'package.json', bump: bumpPackageJson },
  { path: 'Dockerfile', bump: bumpDockerfile },
];
