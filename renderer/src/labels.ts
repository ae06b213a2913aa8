/** Words the screens share: console pages, step states, next actions. Plain names only, never ids. */
import type { BoardDto, BoardStepDto, LinkTargetDto } from '../../preload/contract';
import { STEP_STATE_TEXT } from '../../preload/step-state-text';

export const LINK_LABELS: Record<LinkTargetDto, string> = {
  'salesforce.setup': 'Open Salesforce Setup',
  'salesforce.app-manager': 'Open App Manager',
  'salesforce.external-client-apps': 'Open External Client App Manager',
  'salesforce.oauth-oidc-settings': 'Open OAuth and OpenID Connect Settings',
  'okta.applications': 'Open Okta Applications',
  'okta.salesforce-provisioning': 'Open the Okta Salesforce app',
  'okta.tasks': 'Open Okta Tasks',
  'okta.workflows-connections': 'Open Workflows Connections',
};

/** The reports' words (preload/step-state-text.ts); on screen a running check reads as ongoing. */
export const STATE_LABELS: Readonly<Record<BoardStepDto['state'], string>> = {
  ...STEP_STATE_TEXT,
  checking: 'Checking…',
};

/** Compact badge text for the fleet view. */
export const STATE_SHORT: Record<BoardStepDto['state'], string> = {
  verified: '✓',
  failing: '✕',
  'could-not-check': '?',
  'confirm-yourself': '!',
  'not-set': '–',
  'not-checked': '·',
  checking: '…',
};

export const CHECK_STATUS_LABELS = {
  pass: 'Passed',
  fail: 'Failed',
  unknown: 'Could not tell',
  manual: 'Confirm yourself',
} as const;

export function nextActionLabel(next: BoardDto['next']): string {
  switch (next.kind) {
    case 'checking':
      return 'Checking…';
    case 'sign-in':
      return `Sign in to ${next.provider === 'okta' ? 'Okta' : 'Salesforce'}`;
    case 'add-okta':
      return 'Add Okta settings';
    case 'run-checks':
      return next.again ? 'Run checks again' : 'Run checks';
    case 'open-link':
      return LINK_LABELS[next.target];
    case 'done':
      return 'Export a report';
  }
}

/** True when the org needs the admin (anything but "all done" or "checking"). */
export function needsAction(board: Pick<BoardDto, 'next'>): boolean {
  return board.next.kind !== 'done' && board.next.kind !== 'checking';
}
