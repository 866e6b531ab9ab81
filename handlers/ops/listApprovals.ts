import type { Handler } from '../../src/handler';

export const listApprovals: Handler<'listApprovals'> = async () => {
  throw new Error('listApprovals: not implemented yet');
};
