/**
 * What a step's state is called, in the app and in the reports alike (the states of the contract's
 * board steps). Its own module without imports: the renderer takes it without the contract's schemas.
 */
export const STEP_STATE_TEXT = {
  verified: 'Verified',
  failing: 'Failing',
  'could-not-check': 'Could not check',
  'confirm-yourself': 'Confirm yourself',
  'not-set': 'Not set',
  'not-checked': 'Not checked',
  checking: 'Checking',
} as const;
