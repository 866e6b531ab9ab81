// (operationId, status) pairs the contract-coverage gate does not require a test to produce.
// Each needs a reason: only statuses that cannot be produced from outside the server belong here.
export default [
  // Every operation documents 500 for faults inside the server. One shared renderer answers them;
  // a planted throw proves it on getHealth (tests/platform/getHealth.test.ts). Producing a fault
  // in every handler would test nothing more.
  { operationId: '*', status: 500, why: 'a fault inside the server; the shared renderer is proven on getHealth' },
];
