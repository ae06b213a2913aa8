import type { CliCommand } from '../command';
import { orgAdd, orgList, orgRemove, orgUpdate } from './org';
import { login, logout, status } from './auth';
import { checklist } from './checklist';
import { verify } from './verify';
import { report } from './report';

export const COMMANDS: readonly CliCommand[] = [
  orgAdd,
  orgList,
  orgUpdate,
  orgRemove,
  login,
  status,
  logout,
  checklist,
  verify,
  report,
];
