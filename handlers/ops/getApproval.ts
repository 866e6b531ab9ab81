import type { Handler } from '../../src/handler';

export const getApproval: Handler<'getApproval'> = async () => {
  throw new Error('getApproval: not implemented yet');
};
