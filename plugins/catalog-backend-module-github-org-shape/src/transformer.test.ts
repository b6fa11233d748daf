import { GithubTeam } from '@backstage/plugin-catalog-backend-module-github';
import { tribeSquadTeamTransformer } from './transformer';

const ctx = { client: undefined as any, query: '', org: 'acme' };
const team = (slug: string, parentTeam?: GithubTeam): GithubTeam => ({
  slug,
  combinedSlug: `acme/${slug}`,
  name: slug.toUpperCase(),
  description: `${slug} team`,
  parentTeam,
  members: [{ login: `${slug}-lead` } as any],
});

describe('tribeSquadTeamTransformer', () => {
  const payments = team('payments');
  const checkout = team('checkout', payments);
  const checkoutApi = team('checkout-api', checkout);

  it('makes a top-level team a tribe without parent', async () => {
    const entity = await tribeSquadTeamTransformer(payments, ctx);
    expect(entity).toMatchObject({
      kind: 'Group',
      metadata: {
        name: 'payments',
        description: 'payments team',
        annotations: { 'github.com/team-slug': 'acme/payments' },
      },
      spec: {
        type: 'tribe',
        profile: { displayName: 'PAYMENTS' },
        children: [],
        members: ['payments-lead'],
      },
    });
    expect(entity!.spec!.parent).toBeUndefined();
  });

  it('makes a child team a squad under its parent', async () => {
    const entity = await tribeSquadTeamTransformer(checkout, ctx);
    expect(entity!.spec).toMatchObject({
      type: 'squad',
      parent: 'payments',
      members: ['checkout-lead'],
    });
  });

  it('keeps a deeper team a squad with its direct parent', async () => {
    const entity = await tribeSquadTeamTransformer(checkoutApi, ctx);
    expect(entity!.spec).toMatchObject({ type: 'squad', parent: 'checkout' });
  });
});
