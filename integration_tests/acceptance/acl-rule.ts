// The least-privilege ACL rule the docs give (PASSWORD stands for the user's password); acl.test.ts verifies it.
export const ACL_RULE =
  'on >PASSWORD ~* resetchannels -@all +@read +info +select';
