import { defaultOwnerDecorator } from './defaultOwnerDecorator';
import { publishTokenDecorator } from './publishTokenDecorator';
import { ScaffolderFormDecorator } from '@backstage/plugin-scaffolder-react/alpha';
import { JsonValue } from '@backstage/types';
import { z } from 'zod/v3';

/**
 * Runs a decorator the way the scaffolder's TemplateWizardPage does on submit: input parsed with the decorator's
 * schema, then form state and secrets collected from its setters. The decorator's function and schema are read
 * from the opaque object `createScaffolderFormDecorator` returns (fields `decorator` and `schema`).
 */
async function runDecorator(
  decorator: ScaffolderFormDecorator<any>,
  opts: { input?: object; formState?: Record<string, JsonValue>; deps: object },
) {
  const internal = decorator as unknown as {
    decorator: (ctx: object, deps: object) => Promise<void>;
    schema?: { input?: Record<string, (zImpl: typeof z) => z.ZodType> };
  };
  const shape = Object.fromEntries(
    Object.entries(internal.schema?.input ?? {}).map(([k, build]) => [
      k,
      build(z),
    ]),
  );
  const input = z.object(shape).parse(opts.input ?? {});
  let formState = { ...opts.formState };
  let secrets: Record<string, string> = {};
  await internal.decorator(
    {
      input,
      formState,
      setFormState: (fn: (s: typeof formState) => typeof formState) => {
        formState = fn(formState);
      },
      setSecrets: (fn: (s: typeof secrets) => typeof secrets) => {
        secrets = fn(secrets);
      },
    },
    opts.deps,
  );
  return { formState, secrets };
}

const identityApi = {
  getBackstageIdentity: async () => ({
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/checkout-squad'],
  }),
};

describe('defaultOwnerDecorator', () => {
  it("fills an empty owner with the user's team", async () => {
    const { formState, secrets } = await runDecorator(defaultOwnerDecorator, {
      formState: { name: 'my-service' },
      deps: { identityApi },
    });
    expect(formState).toEqual({
      name: 'my-service',
      owner: 'group:default/checkout-squad',
    });
    expect(secrets).toEqual({});
  });

  it('keeps an owner the user chose, and honours another field name', async () => {
    const kept = await runDecorator(defaultOwnerDecorator, {
      formState: { owner: 'group:default/devex-squad' },
      deps: { identityApi },
    });
    expect(kept.formState.owner).toBe('group:default/devex-squad');
    const other = await runDecorator(defaultOwnerDecorator, {
      input: { field: 'team' },
      deps: { identityApi },
    });
    expect(other.formState).toEqual({ team: 'group:default/checkout-squad' });
  });
});

describe('publishTokenDecorator', () => {
  it('puts the token into the secrets, never into the form state', async () => {
    const publishTokenApi = { getPublishToken: async () => 'tok-123' };
    const { formState, secrets } = await runDecorator(publishTokenDecorator, {
      formState: { name: 'x' },
      deps: { publishTokenApi },
    });
    expect(secrets).toEqual({ publishToken: 'tok-123' });
    expect(JSON.stringify(formState)).not.toContain('tok-123');
  });

  it('rejects an invalid secret name in the template input', async () => {
    await expect(
      runDecorator(publishTokenDecorator, {
        input: { secret: 'not valid!' },
        deps: { publishTokenApi: { getPublishToken: async () => 't' } },
      }),
    ).rejects.toMatchObject({
      name: 'ZodError',
      issues: [
        expect.objectContaining({ path: ['secret'], validation: 'regex' }),
      ],
    });
  });
});
