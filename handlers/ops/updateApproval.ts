import type { Handler } from '../../src/handler';

export const updateApproval: Handler<'updateApproval'> = async () => {
  throw new Error('updateApproval: not implemented yet');
};
