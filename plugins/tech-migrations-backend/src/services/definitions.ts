import {
  DefinitionError,
  MigrationDefinition,
  migrationDefinitionSchema,
} from '@internal/plugin-tech-migrations-common';
import fs from 'fs/promises';
import path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { fromZodError } from 'zod-validation-error/v3';

export type ParsedDefinition =
  | { ok: true; definition: MigrationDefinition }
  | { ok: false; error: DefinitionError };

/**
 * Parses and validates one definition file. Errors name the file and the field
 * (`python-3.yaml: Unrecognized key(s) in object: 'kindd' at "scope"`).
 */
export function parseDefinition(file: string, text: string): ParsedDefinition {
  const fail = (message: string): ParsedDefinition => ({
    ok: false,
    error: { file, message: `${file}: ${message}` },
  });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const err = e as YAMLParseError;
    return fail(`invalid YAML: ${err.message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      '(root): must be a mapping with title, owner, startDate, targetDate, scope and check',
    );
  }
  const result = migrationDefinitionSchema.safeParse(raw);
  if (!result.success) {
    return fail(fromZodError(result.error, { prefix: null }).message);
  }
  const id = result.data.id ?? path.basename(file).replace(/\.ya?ml$/, '');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) {
    return fail(
      `id: the file name gives the id '${id}'; set an id of lower-case letters, digits and dashes`,
    );
  }
  return { ok: true, definition: { ...result.data, id } };
}

/**
 * Reads every `*.yaml` in the definitions folder. A bad file is reported and skipped; the others load. A duplicate
 * id is an error on the later file (files sorted by name).
 */
export async function loadDefinitions(dir: string): Promise<{
  definitions: Array<MigrationDefinition & { file: string }>;
  errors: DefinitionError[];
  /** The folder itself could not be read (misconfigured path): nothing should be replaced. */
  unreadable?: boolean;
}> {
  let files: string[];
  try {
    files = (await fs.readdir(dir)).filter(f => /\.ya?ml$/.test(f)).sort();
  } catch (e) {
    return {
      unreadable: true,
      definitions: [],
      errors: [
        {
          file: dir,
          message: `${dir}: cannot read the definitions folder: ${
            (e as Error).message
          }`,
        },
      ],
    };
  }
  const definitions: Array<MigrationDefinition & { file: string }> = [];
  const errors: DefinitionError[] = [];
  for (const file of files) {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    const parsed = parseDefinition(file, text);
    if (!parsed.ok) {
      errors.push(parsed.error);
    } else if (definitions.some(d => d.id === parsed.definition.id)) {
      errors.push({
        file,
        message: `${file}: id: '${
          parsed.definition.id
        }' is already defined by ${
          definitions.find(d => d.id === parsed.definition.id)!.file
        }`,
      });
    } else {
      definitions.push({ ...parsed.definition, file });
    }
  }
  return { definitions, errors };
}
