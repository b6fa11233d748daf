import { createScaffolderFormDecorator } from '@backstage/plugin-scaffolder-react/alpha';
import { publishTokenApiRef } from '../api';

/**
 * `publish-token`: puts the user's publish token into the task's secrets (`secrets.<input.secret>`, default
 * `publishToken`). Secrets travel beside the parameters, are never rendered in the form, the URL or the task log,
 * and are dropped when the task ends.
 *
 * @public
 */
export const publishTokenDecorator = createScaffolderFormDecorator({
  id: 'publish-token',
  schema: {
    input: {
      secret: z => z.string().regex(/^\w+$/).default('publishToken'),
    },
  },
  deps: { publishTokenApi: publishTokenApiRef },
  async decorator({ input, setSecrets }, { publishTokenApi }) {
    const token = await publishTokenApi.getPublishToken();
    setSecrets(secrets => ({ ...secrets, [input.secret]: token }));
  },
});
