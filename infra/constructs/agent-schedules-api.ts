// The HTTP API in front of the route functions: one route per route-table entry, the API key authorizer on all but the
// public routes, the $default stage with throttling, CORS and access logs, and the optional custom domain.
import type { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type CorsPreflightOptions,
  type HttpRoute,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeKey, type Route } from '../../shared/routes.ts';
import { PUBLIC_ROUTES, PUBLIC_ROUTE_PATHS, constructIdOf } from '../functions.ts';
import { acknowledge } from '../nag.ts';
import { checkCustomDomain, type ApiThrottling, type CustomDomain } from '../props.ts';

/** A Lambda and the routes of the route table it serves. */
export interface RouteFunction {
  readonly function: IFunction;
  readonly routes: readonly Route[];
}

export interface AgentSchedulesApiProps {
  /** The deployment's stage name, for the API's description. */
  readonly stage: string;
  /** The function serving each function folder of the route table, by folder name (AgentSchedulesService.apiFunctions). */
  readonly routeFunctions: ReadonlyMap<string, RouteFunction>;
  /** Answers whether an API key may call a route (simple responses); guards every route but PUBLIC_ROUTE_PATHS. */
  readonly authorizerFunction: IFunction;
  /** How long API Gateway caches the authorizer's answer per Authorization header. */
  readonly authorizerCacheTtl: Duration;
  /** Stage-wide throttling. */
  readonly throttling: Required<ApiThrottling>;
  /** CORS for browser clients. @default off */
  readonly cors?: CorsPreflightOptions;
  /** Retention of the access logs. */
  readonly accessLogRetention: RetentionDays;
  /** Serve the API on this domain. @default the execute-api URL only */
  readonly customDomain?: CustomDomain;
}

/**
 * The service's HTTP API. Its resources are created in the scope the construct is given, with the ids they had
 * before this construct existed: CloudFormation logical IDs come from construct paths (so does the name of the
 * custom domain's API mapping), and new ones would replace the API (a new URL), its stage and the domain mapping.
 * One per scope, then; AgentSchedulesService creates it in its own.
 */
export class AgentSchedulesApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The custom domain, when one is configured. */
  readonly domainName: DomainName | undefined;
  readonly accessLogs: LogGroup;
  readonly authorizer: HttpLambdaAuthorizer;
  /** https://…/ (or https://<custom domain>/ when one is configured). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: AgentSchedulesApiProps) {
    super(scope, id);
    const custom = props.customDomain && checkCustomDomain(props.customDomain);

    this.api = new HttpApi(scope, 'Api', {
      description: `agent-schedules ${props.stage}`,
      createDefaultStage: false,
      ...(props.cors ? { corsPreflight: props.cors } : {}),
    });
    this.domainName = custom
      ? new DomainName(scope, 'Domain', {
          domainName: custom.domainName,
          certificate: custom.certificate ?? Certificate.fromCertificateArn(scope, 'DomainCertificate', custom.certificateArn!),
        })
      : undefined;
    this.accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: props.accessLogRetention });
    this.stage = new HttpStage(scope, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttling,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
      ...(this.domainName ? { domainMapping: { domainName: this.domainName } } : {}),
    });

    this.authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', props.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: props.authorizerCacheTtl,
    });
    const none = new HttpNoneAuthorizer();
    for (const [name, fn] of props.routeFunctions) {
      const integration = new HttpLambdaIntegration(`${constructIdOf(name)}Integration`, fn.function);
      for (const route of fn.routes) {
        const isPublic = PUBLIC_ROUTE_PATHS.includes(route.path);
        const [created] = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          authorizer: isPublic ? none : this.authorizer,
        }) as [HttpRoute];
        if (isPublic) {
          acknowledge(created, 'APIG4', `${routeKey(route)} is public by design: ${PUBLIC_ROUTES[route.path]}`);
        }
      }
    }
    this.url = custom ? `https://${custom.domainName}/` : this.stage.url;
  }
}

/** One JSON line per request, in HTTP API's own context variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    tenantId: '$context.authorizer.tenantId',
    keyId: '$context.authorizer.keyId',
    userAgent: '$context.identity.userAgent',
  }),
);
