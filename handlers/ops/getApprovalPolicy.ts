import type { Handler } from '../../src/handler';

export const getApprovalPolicy: Handler<'getApprovalPolicy'> = async () => {
  throw new Error('getApprovalPolicy: not implemented yet');
};
