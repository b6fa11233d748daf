export interface Config {
  permission?: {
    policy?: {
      /**
       * Groups whose members are platform admins (entity refs, e.g. `group:default/platform-admins`). Membership is
       * read from the signed-in user's ownership refs (the catalog user and the groups it is a member of).
       */
      adminGroups?: string[];
      /**
       * Single users who are admins (entity refs). app-config.yaml uses it for the development guest only;
       * app-config.production.yaml empties it.
       */
      adminUsers?: string[];
    };
  };
}
