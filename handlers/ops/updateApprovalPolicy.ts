import type { Handler } from '../../src/handler';

export const updateApprovalPolicy: Handler<'updateApprovalPolicy'> = async () => {
  throw new Error('updateApprovalPolicy: not implemented yet');
};
