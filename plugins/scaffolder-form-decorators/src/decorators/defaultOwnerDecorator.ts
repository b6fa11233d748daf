import { parseEntityRef } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { createScaffolderFormDecorator } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * `default-owner`: when the form's owner field (`input.field`, default `owner`) was left empty, fills it with the
 * signed-in user's team: the first group among their ownership refs (user:default/guest → group:default/checkout-squad).
 *
 * @public
 */
export const defaultOwnerDecorator = createScaffolderFormDecorator({
  id: 'default-owner',
  schema: {
    input: {
      field: z => z.string().default('owner'),
    },
  },
  deps: { identityApi: identityApiRef },
  async decorator({ input, formState, setFormState }, { identityApi }) {
    if (formState[input.field]) return;
    const { ownershipEntityRefs, userEntityRef } =
      await identityApi.getBackstageIdentity();
    const team = ownershipEntityRefs.find(
      ref => parseEntityRef(ref).kind.toLowerCase() === 'group',
    );
    setFormState(state => ({ ...state, [input.field]: team ?? userEntityRef }));
  },
});
