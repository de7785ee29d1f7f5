// Architecture rules, checked by `npm test` (npm run lint:architecture): the layering DESIGN.md describes.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-stays-pure',
      comment: 'shared/domain holds types, rules and domain errors: it imports no port, adapter, use case, wire code or wiring.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: { path: '^shared/(ports|adapters|use-cases|http|composition)/' },
    },
    {
      name: 'use-cases-take-ports',
      comment: 'Use cases get their dependencies as ports; they never reach an adapter, the wiring or the HTTP layer.',
      severity: 'error',
      from: { path: '^shared/use-cases/' },
      to: { path: '^shared/(adapters|composition|http)/' },
    },
    {
      name: 'only-adapters-import-the-aws-sdk',
      comment: 'Only shared/adapters/ talks to AWS; everything else goes through a port.',
      severity: 'error',
      from: { path: '^(shared|functions)/', pathNot: '^shared/adapters/' },
      to: { path: '@aws-sdk/' },
    },
    {
      name: 'handlers-use-the-composition-root',
      comment: 'A handler gets its dependencies from shared/composition/, never by building an adapter itself.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^shared/adapters/' },
    },
    {
      name: 'the-sdk-stands-alone',
      comment: 'client/ ships as agent-schedules/client: it imports only its own files and openapi-fetch, never the service.',
      severity: 'error',
      from: { path: '^client/', pathNot: '^client/generate[.]ts$' },
      to: { path: '^(shared|functions|local|infra|cli)/' },
    },
    {
      name: 'agent-helpers-stand-alone',
      comment: 'agent/ ships as agent-schedules/agent: the signature code and types only, nothing that reaches AWS or the service.',
      severity: 'error',
      from: { path: '^agent/' },
      to: { path: '^(shared/(?!domain/signature[.]ts)|functions|local|infra|cli|client)' },
    },
    {
      name: 'the-cli-goes-through-the-sdk',
      comment: 'The CLI talks to the API through the SDK only; the offline expression tool (local/cli.ts) is its one other import.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(shared/(adapters|composition|use-cases|http)|functions|infra)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
