// Layering rules, checked by `npm run lint` (and before tests): a service's domain/ holds the
// rules and knows no transport or database; only main.ts wires adapters together.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ may not import adapters, the composition root, or transport/database libraries',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: [
          '^src/adapters/',
          '^src/main\\.ts$',
          '^src/app\\.ts$',
          'node_modules/(express|mongoose|mongodb|kafkajs|@grpc/grpc-js|busboy)/',
          'node_modules/@kyc/(kafka-bus|mongo-kit|grpc-kit|contracts)/',
        ],
      },
    },
    {
      name: 'adapters-do-not-wire',
      comment: 'adapters translate; they do not reach into the composition root',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'contracts-are-independent',
      comment: 'a partner contract (src/contracts/<name>/) does not import another contract; shared code lives in application/ or at the contracts root',
      severity: 'error',
      from: { path: '^src/contracts/([^/]+)/' },
      to: { path: '^src/contracts/[^/]+/', pathNot: '^src/contracts/$1/' },
    },
    {
      name: 'contracts-use-ports',
      comment: 'contracts call application use cases and ports; gRPC clients, generated messages and databases belong to adapters',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: {
        path: [
          '^src/adapters/',
          '^src/main\\.ts$',
          '^src/app\\.ts$',
          'node_modules/(mongoose|mongodb|kafkajs|@grpc/grpc-js)/',
          'node_modules/@kyc/(contracts|grpc-kit|mongo-kit|kafka-bus)/',
        ],
      },
    },
    {
      name: 'application-is-contract-agnostic',
      comment: 'use cases know neither partner contracts nor adapters (nor HTTP)',
      severity: 'error',
      from: { path: '^src/application/' },
      to: {
        path: [
          '^src/adapters/',
          '^src/contracts/',
          '^src/main\\.ts$',
          '^src/app\\.ts$',
          'node_modules/(express|mongoose|mongodb|kafkajs|@grpc/grpc-js|busboy)/',
          'node_modules/@kyc/(contracts|grpc-kit|mongo-kit|kafka-bus)/',
        ],
      },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
