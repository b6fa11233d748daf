// Lints the root Dockerfile: dockerfile-utils (the validator behind VS Code's Dockerfile support, installed into
// .tools/ by scripts/bootstrap.sh; hadolint is not installable here: no Debian package, and its npm wrapper downloads
// the binary from GitHub) with every check raised to an error, plus the image rules this project relies on, in the
// spirit of hadolint's DL3002/DL3008/DL3009/DL3015/DL3006/DL3025:
//  - the final stage runs as a non-root user and sets NODE_ENV=production;
//  - every FROM names a tag (the base image is an ARG with a default), none uses `latest`;
//  - apt-get install uses --no-install-recommends and the stage removes /var/lib/apt/lists;
//  - yarn install is --immutable (the lockfile decides), and the final stage has a HEALTHCHECK and an exec-form CMD.
// Usage: node scripts/ops/lint-dockerfile.mjs [Dockerfile]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const file = path.resolve(process.argv[2] ?? path.join(root, 'Dockerfile'));
const require = createRequire(
  path.join(root, '.tools/lib/node_modules/dockerfile-utils/package.json'),
);
const { validate } = require('dockerfile-utils');

const content = readFileSync(file, 'utf8');
const lines = content.split('\n');
const problems = [];
const ERROR = 2;
const settings = Object.fromEntries(
  [
    'deprecatedMaintainer',
    'directiveCasing',
    'emptyContinuationLine',
    'instructionCasing',
    'instructionCmdMultiple',
    'instructionEntrypointMultiple',
    'instructionHealthcheckMultiple',
    'instructionJSONInSingleQuotes',
    'instructionWorkdirRelative',
  ].map(k => [k, ERROR]),
);
for (const d of validate(content, settings)) {
  problems.push(`${d.range.start.line + 1}: ${d.message}`);
}

// Logical instructions (continuation lines joined), with their first line number.
const instructions = [];
for (let i = 0; i < lines.length; i++) {
  if (/^\s*(#|$)/.test(lines[i])) continue;
  let text = lines[i];
  const line = i + 1;
  while (/\\\s*$/.test(text) && i + 1 < lines.length) {
    text = text.replace(/\\\s*$/, ' ') + lines[++i];
  }
  const [, keyword, rest] = text.trim().match(/^(\S+)\s*(.*)$/) ?? [];
  instructions.push({ line, keyword: keyword.toUpperCase(), rest });
}
const args = Object.fromEntries(
  instructions
    .filter(i => i.keyword === 'ARG' && i.rest.includes('='))
    .map(i => i.rest.split('=')),
);
const stages = [];
for (const ins of instructions) {
  if (ins.keyword === 'FROM') stages.push({ from: ins, body: [] });
  else stages.at(-1)?.body.push(ins);
}
const rule = (ok, line, message) => ok || problems.push(`${line}: ${message}`);

for (const { from, body } of stages) {
  const image = from.rest
    .split(/\s+/)
    .find(w => !w.startsWith('--'))
    .replace(/^\$\{?(\w+)\}?$/, (_, name) => args[name] ?? name);
  const named = stages.some(s =>
    new RegExp(`\\bAS\\s+${image}$`, 'i').test(s.from.rest),
  );
  if (!named) {
    rule(/:[\w.-]+$/.test(image), from.line, `FROM ${image}: name a tag`);
    rule(
      !/:latest$/.test(image),
      from.line,
      `FROM ${image}: do not use latest`,
    );
  }
  for (const ins of body.filter(b => b.keyword === 'RUN')) {
    if (/apt-get install/.test(ins.rest)) {
      rule(
        /--no-install-recommends/.test(ins.rest),
        ins.line,
        'apt-get install without --no-install-recommends',
      );
      rule(
        /rm -rf \/var\/lib\/apt\/lists/.test(ins.rest),
        ins.line,
        'apt lists not removed in the same RUN',
      );
    }
    if (/yarn install/.test(ins.rest)) {
      rule(
        /--immutable/.test(ins.rest),
        ins.line,
        'yarn install without --immutable',
      );
    }
  }
}
const final = stages.at(-1);
const users = final.body.filter(b => b.keyword === 'USER');
rule(
  users.length && !/^(root|0)(:|$)/.test(users.at(-1).rest),
  final.from.line,
  'the final stage must switch to a non-root USER',
);
rule(
  final.body.some(
    b => b.keyword === 'ENV' && /NODE_ENV=production/.test(b.rest),
  ),
  final.from.line,
  'the final stage must set NODE_ENV=production',
);
rule(
  final.body.some(b => b.keyword === 'HEALTHCHECK'),
  final.from.line,
  'the final stage has no HEALTHCHECK',
);
const cmd = final.body.filter(b => b.keyword === 'CMD').at(-1);
rule(
  cmd && cmd.rest.startsWith('['),
  cmd?.line ?? final.from.line,
  'CMD must be in exec form (signals reach node)',
);

for (const p of problems) console.log(`${path.relative(root, file)}:${p}`);
console.log(
  problems.length
    ? `${problems.length} Dockerfile problem(s)`
    : `${path.relative(root, file)}: ${
        stages.length
      } stages, no problems (dockerfile-utils + project rules)`,
);
process.exit(problems.length ? 1 : 0);
