/** checklist.get / setDone / setNote: the offline checklist of one org. */
import { findItem, isTickable } from '../checklist';
import { PilotError } from '../errors';
import { parse, type ApiContext, type HandlersOf } from './context';

function requireItem(itemId: string, tickable: boolean) {
  const item = findItem(itemId);
  if (!item)
    throw new PilotError(
      'not-found',
      'That checklist step does not exist.',
      'Reload the checklist and try again.',
    );
  if (tickable && !isTickable(item)) {
    throw new PilotError(
      'invalid-input',
      'This checklist entry is information only and cannot be ticked.',
      'Tick the steps below it instead.',
    );
  }
  return item;
}

export function checklistHandlers(
  ctx: ApiContext,
): HandlersOf<'checklist.get' | 'checklist.setDone' | 'checklist.setNote'> {
  const { deps } = ctx;
  return {
    async 'checklist.get'(raw) {
      return ctx.checklistView(parse('checklist.get', raw).alias);
    },

    async 'checklist.setDone'(raw) {
      const { alias, itemId, done } = parse('checklist.setDone', raw);
      requireItem(itemId, true);
      await deps.orgs.get(alias);
      await deps.progress.setDone(alias, itemId, done, 'admin');
      return ctx.checklistView(alias);
    },

    async 'checklist.setNote'(raw) {
      const { alias, itemId, note } = parse('checklist.setNote', raw);
      requireItem(itemId, false);
      await deps.orgs.get(alias);
      await deps.progress.setNote(alias, itemId, note);
      return ctx.checklistView(alias);
    },
  };
}
