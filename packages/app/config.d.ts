export interface Config {
  app: {
    /**
     * Sign-in options offered on the sign-in page, in order: `guest` (development only) and/or `github`.
     * @visibility frontend
     */
    signInProviders?: Array<'guest' | 'github'>;
  };
}
