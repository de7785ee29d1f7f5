// What platform teams import to embed agent-schedules in their own CDK app.
export { AgentSchedules } from './constructs/agent-schedules.ts';
export { AgentSchedulesData, type AgentSchedulesState } from './constructs/agent-schedules-data.ts';
export { AgentSchedulesService, type AgentSchedulesServiceProps } from './constructs/agent-schedules-service.ts';
export { AgentSchedulesApi, type AgentSchedulesApiProps, type RouteFunction } from './constructs/agent-schedules-api.ts';
export { AgentSchedulesMonitoring, type AgentSchedulesMonitoringProps, type AlarmName } from './constructs/agent-schedules-monitoring.ts';
export { AgentSchedulesNotifications, type AgentSchedulesNotificationsProps } from './constructs/agent-schedules-notifications.ts';
export { AgentSchedulesBatches, type AgentSchedulesBatchesProps } from './constructs/agent-schedules-batches.ts';
export { AgentFunction } from './constructs/agent-function.ts';
export { DataStack, type DataStackProps } from './stacks/data-stack.ts';
export { ServiceStack, type ServiceStackProps } from './stacks/service-stack.ts';
export { SETTINGS, type DeploymentContext } from './settings.ts';
export type { AgentSchedulesDataProps, AgentSchedulesProps, AgentSchedulesServiceOptions, ApiThrottling, CustomDomain, TenantRunQuotas } from './props.ts';
